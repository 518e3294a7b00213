/**
 * Role health checks (seed 000 phase 2): tcp connect, http GET, or a command, each with a timeout.
 */
import { request } from 'node:http'
import { connect } from 'node:net'
import type { Health, HealthCheck, RoleDefinition } from '../../protocol/types.js'
import { runShell } from '../exec/index.js'
import { DEFAULT_PROBE_TIMEOUT_MS, DEFAULT_THRESHOLDS } from './constants.js'

export interface CheckResult { ok: boolean, detail?: string }

async function tcp (host: string, port: number, timeoutMs: number): Promise<CheckResult> {
  return await new Promise((resolve) => {
    const s = connect({ host, port })
    const done = (r: CheckResult): void => { s.destroy(); resolve(r) }
    s.setTimeout(timeoutMs, () => { done({ ok: false, detail: `tcp ${host}:${port} timed out after ${timeoutMs} ms` }) })
    s.once('connect', () => { done({ ok: true }) })
    s.once('error', (err) => { done({ ok: false, detail: `tcp ${host}:${port}: ${err.message}` }) })
  })
}

async function http (host: string, port: number, path: string, expect: number | undefined, timeoutMs: number): Promise<CheckResult> {
  return await new Promise((resolve) => {
    const req = request({ host, port, path, method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume()
      const code = res.statusCode ?? 0
      const ok = expect != null ? code === expect : code >= 200 && code < 300
      resolve(ok ? { ok } : { ok, detail: `http ${host}:${port}${path} answered ${code}` })
    })
    req.on('timeout', () => { req.destroy(new Error(`timed out after ${timeoutMs} ms`)) })
    req.on('error', (err) => { resolve({ ok: false, detail: `http ${host}:${port}${path}: ${err.message}` }) })
    req.end()
  })
}

export async function runHealthCheck (check: HealthCheck): Promise<CheckResult> {
  const timeoutMs = check.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS
  switch (check.kind) {
    case 'tcp': return await tcp(check.host ?? '127.0.0.1', check.port, timeoutMs)
    case 'http': return await http(check.host ?? '127.0.0.1', check.port, check.path, check.expectStatus, timeoutMs)
    case 'command': {
      const r = await runShell(check.command, { timeoutMs })
      return r.ok ? { ok: true } : { ok: false, detail: r.timedOut ? `'${check.command}' timed out after ${timeoutMs} ms` : `'${check.command}' exited ${String(r.code)}${r.output !== '' ? ': ' + r.output.slice(-200) : ''}` }
    }
  }
}

/** Every check of every role; a role passes when all its checks pass. Roles without checks pass. */
export async function runRoleChecks (roles: readonly RoleDefinition[]): Promise<Record<string, CheckResult>> {
  const out: Record<string, CheckResult> = {}
  await Promise.all(roles.map(async (role) => {
    const results = await Promise.all(role.healthChecks.map(runHealthCheck))
    const bad = results.find(r => !r.ok)
    out[role.name] = bad ?? { ok: true }
  }))
  return out
}

export function thresholdBreached (h: Pick<Health, 'cpuPercent' | 'memoryPercent' | 'diskPercent'>, t: { cpu: number, memory: number, disk: number } = DEFAULT_THRESHOLDS): boolean {
  return h.cpuPercent >= t.cpu || h.memoryPercent >= t.memory || h.diskPercent >= t.disk
}
