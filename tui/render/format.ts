/**
 * Pure text helpers for cells: ages, short shas, small bars, fixed-width padding. No colour here;
 * colours come from `colour.ts` so each can be tested on its own.
 */

/** "4s", "12m", "3h", "9d"; "-" when never seen. Future times (clock skew) read as "0s". */
export function formatAge (at: number | null | undefined, now: number): string {
  if (at == null) return '-'
  const s = Math.max(0, Math.floor((now - at) / 1000))
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m`
  const h = Math.floor(m / 60)
  if (h < 48) return `${h}h`
  return `${Math.floor(h / 24)}d`
}

/** First 7 characters of a commit, as git prints it. */
export function shortSha (sha: string | null | undefined): string {
  if (sha == null || sha === '') return '-'
  return sha.slice(0, 7)
}

// Eighth blocks give a 2-cell bar 16 steps of resolution.
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉']

/** A horizontal bar of `width` cells for `pct` in 0..100, padded with light shade. */
export function bar (pct: number, width: number): string {
  const p = Number.isFinite(pct) ? Math.min(100, Math.max(0, pct)) : 0
  const eighths = Math.round((p / 100) * width * 8)
  const full = Math.floor(eighths / 8)
  const part = EIGHTHS[eighths % 8]
  const body = '█'.repeat(full) + part
  return body + '░'.repeat(Math.max(0, width - full - (part === '' ? 0 : 1)))
}

/** A small resource cell: a 2-cell bar and the percentage, e.g. "█▌ 75". */
export function usage (pct: number | null | undefined): string {
  if (pct == null || !Number.isFinite(pct)) return '-'
  return `${bar(pct, 2)} ${String(Math.round(pct)).padStart(3)}`
}

/** Pads or truncates to exactly `width` cells (ASCII and box glyphs are one cell wide). */
export function fit (text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return ''
  if (text.length > width) return width === 1 ? text.slice(0, 1) : text.slice(0, width - 1) + '…'
  return align === 'right' ? text.padStart(width) : text.padEnd(width)
}

/** Lifecycle states are long; the fleet table shows `maintenance_x` as `maint.x`. */
export function shortState (state: string): string {
  return state.startsWith('maintenance_') ? `maint.${state.slice('maintenance_'.length)}` : state
}

/** "unreachable" does not fit a 7-cell liveness column. */
export function shortLiveness (liveness: string): string {
  return liveness === 'unreachable' ? 'unreach' : liveness
}

/** Splits a prompt line into words, keeping "quoted phrases" whole. */
export function splitWords (line: string): string[] {
  const words: string[] = []
  const re = /"([^"]*)"?|'([^']*)'?|(\S+)/g
  let m: RegExpExecArray | null
  while ((m = re.exec(line)) != null) words.push(m[1] ?? m[2] ?? m[3])
  return words
}
