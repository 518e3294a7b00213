/**
 * Runs a read-only system tool (systemctl, ss) without touching the event loop: async execFile
 * with a timeout, no shell. systeminformation uses execSync for the same questions and stalls
 * the loop for 100+ ms (PITFALLS.md, systeminformation); this is why we ask the tools directly.
 */
import { execFile } from 'node:child_process'
import { MAX_COMMAND_OUTPUT } from './constants.js'

export type ToolResult =
  | { kind: 'ok', stdout: string }
  /** The binary is not installed (ENOENT): callers take their fallback path. */
  | { kind: 'missing' }
  /** It ran and failed, timed out or was aborted; stdout may still hold partial output. */
  | { kind: 'failed', stdout: string, reason: string }

export interface ToolOptions {
  timeoutMs: number
  signal?: AbortSignal
}

export async function runTool (file: string, args: string[], opts: ToolOptions): Promise<ToolResult> {
  return await new Promise((resolve) => {
    execFile(file, args, {
      timeout: opts.timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: MAX_COMMAND_OUTPUT,
      signal: opts.signal,
      encoding: 'utf8',
      // Fixed, parseable output whatever the operator's locale.
      env: { ...process.env, LC_ALL: 'C', SYSTEMD_PAGER: '', SYSTEMD_COLORS: '0' }
    }, (err, stdout, stderr) => {
      if (err == null) { resolve({ kind: 'ok', stdout }); return }
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT') { resolve({ kind: 'missing' }); return }
      const reason = (err as { killed?: boolean }).killed === true
        ? `timed out after ${opts.timeoutMs} ms`
        : (String(stderr).trim().split('\n')[0] || err.message)
      resolve({ kind: 'failed', stdout: String(stdout ?? ''), reason })
    })
  })
}
