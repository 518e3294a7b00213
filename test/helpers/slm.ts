/**
 * Driving the built `slm` CLI as a user would: one process per call, and `slm daemon` as a child of
 * its own whose output goes to `<dir>/daemon.log`. Only the CLI contract of DESIGN.md is used, so the
 * harness proves what scripts and operators rely on.
 */
import type { ChildProcess } from 'node:child_process'
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ControlClient } from '../../node/control/index.js'
import { DAEMON_NODE_FLAGS } from '../../node/daemon/node-flags.js'
import { CONTROL_SOCKET_NAME } from '../../protocol/control.js'
import { run, spawnTracked, type RunResult } from './procs.js'
import { WaitAbort, waitFor } from './wait.js'

/** The repo root: the nearest parent holding slm's package.json (works from test/ and dist/test/). */
export function repoRoot (): string {
  if (process.env.SLM_REPO !== undefined) return process.env.SLM_REPO
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg) && /"name":\s*"slm"/.test(readFileSync(pkg, 'utf8'))) return dir
    dir = dirname(dir)
  }
  throw new Error('cannot find the slm repo root above ' + fileURLToPath(import.meta.url))
}

/** `[node, <repo>/dist/node/cli/main.js]`: the CLI as built by `npm run build`. */
export function slmBin (): [string, string] {
  return [process.execPath, join(repoRoot(), 'dist', 'node', 'cli', 'main.js')]
}

export interface SlmOptions {
  /** State dir, passed as `--dir` and `SLM_DIR`. */
  dir?: string
  /** Appends `--json`. */
  json?: boolean
  /** @default 30000 */
  timeoutMs?: number
  env?: NodeJS.ProcessEnv
}

/** Runs `slm ARGS [--dir DIR] [--json]` to completion. */
export async function slm (args: string[], opts: SlmOptions = {}): Promise<RunResult> {
  const [node, main] = slmBin()
  const env = { ...process.env, ...opts.env }
  // A developer's own SLM_DIR must never leak into a test fleet.
  delete env.SLM_DIR
  const full = [main, ...args]
  if (opts.dir !== undefined) {
    env.SLM_DIR = opts.dir
    full.push('--dir', opts.dir)
  }
  if (opts.json === true) full.push('--json')
  return await run(node, full, { env, timeoutMs: opts.timeoutMs ?? 30_000 })
}

/** A failed `slm` call, with what it printed. */
export class SlmCliError extends Error {
  readonly code = 'ERR_SLM_CLI'
  readonly result: RunResult
  constructor (args: string[], result: RunResult) {
    super(`slm ${args.join(' ')} exited ${result.code}: ${(result.stderr.trim() || result.stdout.trim()).slice(0, 500)}`)
    this.name = 'SlmCliError'
    this.result = result
  }
}

/** Runs `slm ARGS --json` and returns the parsed output, throwing on a non-zero exit. */
export async function slmJson<T = any> (args: string[], opts: SlmOptions = {}): Promise<T> {
  const r = await slm(args, { ...opts, json: true })
  if (r.code !== 0 || r.json === undefined) throw new SlmCliError(args, r)
  return r.json as T
}

/**
 * Spawns `slm daemon --dir DIR ARGS`, appending its stdout and stderr to `<dir>/daemon.log`.
 * `prefix` runs it through a command that execs its arguments (`ip netns exec NS`), so the pid is
 * still the daemon's.
 */
export function spawnDaemon (dir: string, args: string[], prefix: string[] = []): ChildProcess {
  const [node, main] = slmBin()
  // A file descriptor, not a pipe: the log survives the harness stalling or dying first.
  const fd = openSync(join(dir, 'daemon.log'), 'a')
  try {
    const env = { ...process.env, SLM_DIR: dir }
    const argv = [node, ...DAEMON_NODE_FLAGS, main, 'daemon', '--dir', dir, ...args]
    const [cmd, ...rest] = [...prefix, ...argv]
    return spawnTracked(cmd, rest, { env, stdio: ['ignore', fd, fd] })
  } finally {
    closeSync(fd)
  }
}

/** How many times `text` occurs in a daemon's log (0 without one). */
export function logCount (dir: string, text: string): number {
  try {
    return readFileSync(join(dir, 'daemon.log'), 'utf8').split(text).length - 1
  } catch {
    return 0
  }
}

/** The last `lines` lines of a daemon's log, for error messages. */
export function logTail (dir: string, lines = 20): string {
  try {
    return readFileSync(join(dir, 'daemon.log'), 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no daemon.log)'
  }
}

/**
 * Waits for the daemon's control socket to appear (a cheap file check), then polls
 * `slm status --json` until it answers with a listen address. Each CLI call is a Node process of
 * its own, so they are spaced out: polled hard, 50 starting daemons would starve themselves.
 * Fails early, with the log's tail, if the daemon exits first.
 */
export async function waitReady (dir: string, child: ChildProcess, timeoutMs = 60_000, probe: (dir: string) => Promise<any> = cliStatus): Promise<any> {
  let exited = false
  child.once('exit', () => { exited = true })
  const deadline = Date.now() + timeoutMs
  const check = (): void => {
    if (exited || child.exitCode !== null) throw new WaitAbort(new DaemonExitedError(dir, child))
  }
  try {
    await waitFor(() => {
      check()
      return existsSync(join(dir, CONTROL_SOCKET_NAME))
    }, { timeoutMs, intervalMs: 100, what: `${dir}/control.sock to appear` })
    return await waitFor(async () => {
      check()
      const s = await probe(dir)
      return Array.isArray(s?.listenAddrs) && s.listenAddrs.length > 0 ? s : null
    }, { timeoutMs: Math.max(1000, deadline - Date.now()), intervalMs: 1000, what: `the daemon in ${dir} to answer 'slm status'` })
  } catch (err) {
    if (err instanceof DaemonExitedError) throw err
    throw new Error(`${(err as Error).message}\n--- ${dir}/daemon.log ---\n${logTail(dir)}`)
  }
}

/** `slm status --json` through the CLI, as an operator would ask; null when it fails. */
export async function cliStatus (dir: string): Promise<any> {
  const r = await slm(['status'], { dir, json: true, timeoutMs: 15_000 })
  return r.code === 0 ? r.json : null
}

/**
 * The same question over the control socket from this process: no Node process per poll, for
 * runs that start so many daemons that CLI polling would load the box more than they do.
 */
export async function socketStatus (dir: string): Promise<any> {
  let client: ControlClient | undefined
  try {
    client = await ControlClient.connect(join(dir, CONTROL_SOCKET_NAME), 5000)
    return await client.call('status')
  } catch {
    return null
  } finally {
    client?.close()
  }
}

export class DaemonExitedError extends Error {
  readonly code = 'ERR_DAEMON_EXITED'
  constructor (dir: string, child: ChildProcess) {
    super(`slm daemon in ${dir} exited (code ${child.exitCode}, signal ${child.signalCode}) before it was ready\n--- daemon.log ---\n${logTail(dir)}`)
    this.name = 'DaemonExitedError'
  }
}

/** The multiaddr on `ip` (loopback by default) among `listenAddrs`, with `/p2p/<id>` appended when missing. */
export function pickAddr (listenAddrs: string[], nodeId: string, ip = '127.0.0.1'): string {
  const addr = listenAddrs.find((a) => a.startsWith(`/ip4/${ip}/tcp/`)) ?? listenAddrs[0]
  return addr.includes('/p2p/') ? addr : `${addr}/p2p/${nodeId}`
}
