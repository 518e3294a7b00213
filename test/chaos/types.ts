/**
 * What every chaos scenario takes and returns: one row of the report table, plus the details
 * behind it. A scenario never throws for a broken invariant; it lists it in `failures`, so one
 * failing scenario does not hide the figures of the others.
 */

export interface ChaosOptions {
  /** Smaller sizes and shorter phases (the `npm test` version). */
  quick: boolean
  /** Progress lines; the runner prints them with a timestamp. */
  log: (msg: string) => void
}

export interface ScenarioResult {
  scenario: string
  /** Fleet size and the traffic driven, e.g. `20 nodes, 2 cmd/s`. */
  load: string
  /** Faults injected, e.g. `42 kill -9`. */
  faults: string
  /** Hostile inputs tried (0 when the scenario has none). */
  hostile: number
  /** Acknowledged data missing at the end: must be 0. */
  lost: number
  /** From the end of the faults to one converged state, ms; null when it never converged. */
  convergeMs: number | null
  /** Broken invariants, one line each; empty means the scenario passed. */
  failures: string[]
  /** Why the scenario could not run on this machine (it then proves nothing and fails nothing). */
  skipped?: string
  /** Figures that do not fit the table (rejections by reason, RSS, percentiles). */
  notes: string[]
  elapsedMs: number
}

export type Scenario = (opts: ChaosOptions) => Promise<ScenarioResult>

/** A result under construction: failures and notes appended as the scenario runs. */
export function newResult (scenario: string): ScenarioResult {
  return { scenario, load: '', faults: '', hostile: 0, lost: 0, convergeMs: null, failures: [], notes: [], elapsedMs: 0 }
}

/** Sum of two rejection-count maps' difference, by reason (after - before), zero entries left out. */
export function rejectionDelta (before: Record<string, number> = {}, after: Record<string, number> = {}): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0)
    if (d !== 0) out[k] = d
  }
  return out
}

export function addCounts (into: Record<string, number>, more: Record<string, number>): void {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v
}

export function formatCounts (counts: Record<string, number>): string {
  const parts = Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${v}`)
  return parts.length === 0 ? 'none' : parts.join(' ')
}

/** Random element; the chaos runs use Math.random (each run differs, the report says what ran). */
export function pickOne<T> (items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]
}
