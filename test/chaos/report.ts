/**
 * The chaos report: one table row per scenario (the columns issue 8 names), then each
 * scenario's notes and failures, with the date and machine so runs can be compared.
 */
import { cpus, hostname, totalmem, loadavg, release } from 'node:os'
import { fmt, table } from '../helpers/index.js'
import type { ScenarioResult } from './types.js'

export function machine (): string {
  const c = cpus()
  return `${hostname()}: ${c.length} x ${c[0]?.model.trim() ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`
}

export function verdict (r: ScenarioResult): string {
  if (r.failures.length > 0) return 'FAIL'
  return r.skipped !== undefined ? 'skipped' : 'pass'
}

export function renderReport (results: ScenarioResult[], startedAt: Date): string {
  const rows = results.map((r) => [
    r.scenario,
    r.load,
    r.faults,
    String(r.hostile),
    String(r.lost),
    r.convergeMs === null ? 'never' : `${fmt(r.convergeMs / 1000, 1)} s`,
    verdict(r),
    `${fmt(r.elapsedMs / 1000, 0)} s`
  ])
  const out = [
    `slm chaos report, ${startedAt.toISOString()}`,
    machine(),
    '',
    table(['scenario', 'load', 'faults injected', 'hostile inputs', 'lost', 'converge', 'result', 'took'], rows),
    ''
  ]
  for (const r of results) {
    if (r.notes.length === 0 && r.failures.length === 0 && r.skipped === undefined) continue
    out.push(`${r.scenario}:`)
    if (r.skipped !== undefined) out.push(`  - skipped: ${r.skipped}`)
    for (const n of r.notes) out.push(`  - ${n}`)
    for (const f of r.failures) out.push(`  ! ${f}`)
  }
  return out.join('\n')
}
