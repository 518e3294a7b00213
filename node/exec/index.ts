/**
 * Runs an operator-defined shell command (install, purge, remediation, pre/post sync) as a real
 * subprocess with a timeout; the whole process group is killed on timeout so nothing lingers.
 */
import { spawn } from 'node:child_process'

export interface ExecResult {
  ok: boolean
  code: number | null
  output: string
  timedOut: boolean
}

const MAX_OUTPUT = 16 * 1024

export async function runShell (command: string, opts: { cwd?: string, timeoutMs: number, env?: NodeJS.ProcessEnv }): Promise<ExecResult> {
  return await new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    let timedOut = false
    const take = (b: Buffer): void => { if (output.length < MAX_OUTPUT) output += b.toString('utf8') }
    child.stdout.on('data', take)
    child.stderr.on('data', take)
    const timer = setTimeout(() => {
      timedOut = true
      try { process.kill(-child.pid!, 'SIGKILL') } catch {}
    }, opts.timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      resolve({ ok: false, code: null, output: String(err.message), timedOut })
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ ok: code === 0 && !timedOut, code, output: output.slice(-MAX_OUTPUT).trim(), timedOut })
    })
  })
}
