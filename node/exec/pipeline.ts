/**
 * Runs a pipeline of programs (no shell): each one's stdout feeds the next one's stdin, the first
 * may read a stream, the last may write straight into a file descriptor. Resolves when every
 * stage exited 0; otherwise rejects with a typed error carrying the first stderr line.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import type { Readable } from 'node:stream'
import { SlmError } from '../../protocol/errors.js'

export type Stage = [command: string, args: string[]]

export interface PipelineOptions {
  input?: Readable
  /** A file descriptor the last stage writes to; its output is discarded otherwise. */
  output?: number
  env?: NodeJS.ProcessEnv
  /** @default 600_000 */
  timeoutMs?: number
  /** The error's code. @default 'ERR_EXEC' */
  code?: string
  /** Starts the error's message. */
  what: string
}

export async function runPipeline (stages: Stage[], opts: PipelineOptions): Promise<void> {
  const children: ChildProcess[] = []
  let stderr = ''
  const waits = stages.map(async ([command, args], i) => {
    const last = i === stages.length - 1
    const child = spawn(command, args, {
      env: opts.env ?? process.env,
      timeout: opts.timeoutMs ?? 600_000,
      stdio: [i > 0 || opts.input != null ? 'pipe' : 'ignore', last ? (opts.output ?? 'ignore') : 'pipe', 'pipe']
    })
    children.push(child)
    child.stderr?.on('data', (b: Buffer) => { if (stderr.length < 4096) stderr += b.toString() })
    // A stage that exits early closes its stdin under the writer: its exit code tells, not EPIPE.
    child.stdin?.on('error', () => {})
    return await new Promise<number | null>((resolve) => {
      child.on('error', (err) => { stderr += `${command}: ${err.message}\n`; resolve(null) })
      child.on('close', (code) => { resolve(code) })
    })
  })
  if (opts.input != null) {
    opts.input.on('error', (err) => { stderr += `input: ${err.message}\n`; children[0].stdin?.destroy() })
    opts.input.pipe(children[0].stdin!)
  }
  for (let i = 1; i < children.length; i++) children[i - 1].stdout!.pipe(children[i].stdin!)
  const codes = await Promise.all(waits)
  opts.input?.destroy()
  if (codes.some(c => c !== 0)) {
    const detail = stderr.trim().split('\n').find(l => l.trim() !== '') ?? `exit codes ${codes.join(', ')}`
    throw new SlmError(opts.code ?? 'ERR_EXEC', `${opts.what}: ${detail}`)
  }
}
