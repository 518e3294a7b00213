/**
 * Child processes of the test harness: every process we spawn is tracked by pid so a failed test
 * or an interrupted bench never leaves daemons behind, and every wait is bounded in time.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { createInterface } from 'node:readline'

const live = new Map<number, ChildProcess>()

// 'exit' handlers must be synchronous: SIGKILL is, and it cannot be ignored by a wedged child.
process.once('exit', () => { killAllTracked('SIGKILL') })

/** Spawns a tracked child; it leaves the registry when it exits. */
export function spawnTracked (cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  const child = spawn(cmd, args, opts)
  const pid = child.pid
  if (pid !== undefined) {
    live.set(pid, child)
    child.once('exit', () => { live.delete(pid) })
  }
  // A spawn failure (ENOENT) surfaces as 'error'; without a listener it would crash the runner.
  child.on('error', () => {})
  return child
}

/** Kills every tracked child still running, by pid (only processes this harness started). */
export function killAllTracked (signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pid of live.keys()) {
    try { process.kill(pid, signal) } catch {}
  }
}

export function isRunning (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Resolves once the child has exited, or false after `timeoutMs`. */
export async function waitExit (child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true
  return await new Promise((resolve) => {
    const timer = setTimeout(() => { resolve(false) }, timeoutMs)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}

/** SIGTERM, then SIGKILL if the child is still there after `graceMs`. */
export async function terminate (child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  try { child.kill('SIGTERM') } catch {}
  if (await waitExit(child, graceMs)) return
  try { child.kill('SIGKILL') } catch {}
  await waitExit(child, 2000)
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
  /** stdout parsed as JSON when it parses, else undefined. */
  json: any
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv
  cwd?: string
  timeoutMs?: number
  input?: string
}

/** Runs a command to completion (killed after `timeoutMs`, code 124 like timeout(1)). */
export async function run (cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const child = spawnTracked(cmd, args, {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (d: string) => { stdout += d })
  child.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  child.stdin?.on('error', () => {})
  child.stdin?.end(opts.input ?? '')
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, opts.timeoutMs ?? 30_000)
  const code = await new Promise<number>((resolve) => {
    child.once('close', (c) => { resolve(c ?? 1) })
    child.once('error', (err) => {
      stderr += String(err)
      resolve(127)
    })
  })
  clearTimeout(timer)
  return { code: timedOut ? 124 : code, stdout, stderr, json: parseJson(stdout) }
}

export function parseJson (text: string): any {
  const t = text.trim()
  if (t === '') return undefined
  try { return JSON.parse(t) } catch { return undefined }
}

/** Calls `onLine` for each line a child prints on stdout. */
export function onLines (child: ChildProcess, onLine: (line: string) => void): void {
  if (child.stdout == null) return
  const rl = createInterface({ input: child.stdout, crlfDelay: Infinity })
  rl.on('line', onLine)
}

/**
 * Runs `fn` over `items` with at most `limit` in flight, keeping order in the result. After the
 * first failure no new item starts (a failed fleet start must not spawn daemons after its cleanup).
 */
export async function mapLimit<T, R> (items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  let failed = false
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const i = next++
      try {
        out[i] = await fn(items[i], i)
      } catch (err) {
        failed = true
        throw err
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}
