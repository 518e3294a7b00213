/**
 * Role health checks (issue 4, point 6): tcp connect, http GET, shell command — each with a
 * timeout, each reporting `{ok, detail}` instead of throwing, because the reconcile loop turns a
 * failure into `degraded` and must keep running whatever the check does.
 * Checks target this host (127.0.0.1) unless the check names a host.
 */
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { connect } from 'node:net'
import type { HealthCheck, RoleDefinition } from '../../protocol/types.js'
import { DEFAULT_CHECK_TIMEOUT_MS } from './constants.js'

export interface CheckResult {
  ok: boolean
  detail: string
}

export interface CheckOptions {
  /** Used when the check sets no `timeoutMs`. @default DEFAULT_CHECK_TIMEOUT_MS */
  timeoutMs?: number
  /** Working directory of command checks. @default the daemon's cwd */
  cwd?: string
  env?: NodeJS.ProcessEnv
}

const LOCAL = '127.0.0.1'
/** Command output kept for the detail: enough for an error line, not a log. */
const MAX_DETAIL = 512

async function tcpCheck (host: string, port: number, timeoutMs: number): Promise<CheckResult> {
  return await new Promise((resolve) => {
    const socket = connect({ host, port })
    const done = (r: CheckResult): void => { clearTimeout(timer); socket.destroy(); resolve(r) }
    const timer = setTimeout(() => { done({ ok: false, detail: `tcp ${host}:${port}: no connection within ${timeoutMs} ms` }) }, timeoutMs)
    socket.once('connect', () => { done({ ok: true, detail: `tcp ${host}:${port}: connected` }) })
    socket.once('error', (err) => { done({ ok: false, detail: `tcp ${host}:${port}: ${(err as NodeJS.ErrnoException).code ?? err.message}` }) })
  })
}

async function httpCheck (host: string, port: number, path: string, expect: number | undefined, timeoutMs: number): Promise<CheckResult> {
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}${path.startsWith('/') ? path : `/${path}`}`
  return await new Promise((resolve) => {
    let settled = false
    const done = (r: CheckResult): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      req.destroy() // the body is not ours to read; no keep-alive socket is left behind
      resolve(r)
    }
    const req = request(url, { method: 'GET', agent: false, headers: { 'user-agent': 'slm-health' } }, (res) => {
      const status = res.statusCode ?? 0
      const ok = expect != null ? status === expect : status >= 200 && status < 300
      done({ ok, detail: `GET ${url}: ${status}${ok ? '' : ` (expected ${expect ?? '2xx'})`}` })
    })
    // One deadline for connect + headers: a server that accepts and never answers has failed.
    const timer = setTimeout(() => { done({ ok: false, detail: `GET ${url}: no response within ${timeoutMs} ms` }) }, timeoutMs)
    req.on('error', (err) => { done({ ok: false, detail: `GET ${url}: ${(err as NodeJS.ErrnoException).code ?? err.message}` }) })
    req.end()
  })
}

/** Runs `/bin/sh -c` in its own process group, so a timeout kills whatever the command started. */
async function commandCheck (command: string, timeoutMs: number, opts: CheckOptions): Promise<CheckResult> {
  return await new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const take = (b: Buffer): void => { output = (output + b.toString('utf8')).slice(-MAX_DETAIL) }
    child.stdout.on('data', take)
    child.stderr.on('data', take)
    let timedOut = false
    const killGroup = (): void => { try { process.kill(-child.pid!, 'SIGKILL') } catch {} }
    const timer = setTimeout(() => { timedOut = true; killGroup() }, timeoutMs)
    child.once('error', (err) => { clearTimeout(timer); resolve({ ok: false, detail: `command failed to start: ${err.message}` }) })
    // 'exit', not 'close': a background child holding our pipes must not keep the check open.
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      killGroup() // leftovers of a finished check are not wanted either
      child.stdout.destroy()
      child.stderr.destroy()
      const tail = output.trim()
      if (timedOut) resolve({ ok: false, detail: `command timed out after ${timeoutMs} ms and was killed${tail === '' ? '' : `: ${tail}`}` })
      else if (code === 0) resolve({ ok: true, detail: tail === '' ? 'exit 0' : `exit 0: ${tail}` })
      else resolve({ ok: false, detail: `${code != null ? `exit ${code}` : `killed by ${signal ?? 'signal'}`}${tail === '' ? '' : `: ${tail}`}` })
    })
  })
}

export async function runHealthCheck (check: HealthCheck, opts: CheckOptions = {}): Promise<CheckResult> {
  const timeoutMs = check.timeoutMs ?? opts.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS
  switch (check.kind) {
    case 'tcp': return await tcpCheck(check.host ?? LOCAL, check.port, timeoutMs)
    case 'http': return await httpCheck(check.host ?? LOCAL, check.port, check.path, check.expectStatus, timeoutMs)
    case 'command': return await commandCheck(check.command, timeoutMs, opts)
    default: return { ok: false, detail: `unknown health check kind '${(check as { kind: unknown }).kind as string}'` }
  }
}

/** All of one role's checks, concurrently: ok only if every one passes; a role without checks is ok. */
export async function runRoleCheck (role: RoleDefinition, opts: CheckOptions = {}): Promise<CheckResult> {
  if (role.healthChecks.length === 0) return { ok: true, detail: 'no health checks defined' }
  const results = await Promise.all(role.healthChecks.map(async c => await runHealthCheck(c, opts)))
  const failing = results.filter(r => !r.ok)
  return failing.length === 0
    ? { ok: true, detail: results.map(r => r.detail).join('; ') }
    : { ok: false, detail: failing.map(r => r.detail).join('; ') }
}

/** Every role's checks, concurrently, keyed by role name (the shape of `Health.checks`). */
export async function runRoleChecks (roles: readonly RoleDefinition[], opts: CheckOptions = {}): Promise<Record<string, CheckResult>> {
  const entries = await Promise.all(roles.map(async (r): Promise<[string, CheckResult]> => [r.name, await runRoleCheck(r, opts)]))
  return Object.fromEntries(entries)
}
