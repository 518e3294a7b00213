/**
 * Summaries and plain-text tables for bench and chaos reports: one format everywhere so figures
 * from different runs can be compared line by line.
 */

export interface Summary {
  n: number
  p50: number
  p99: number
  max: number
  mean: number
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]
}

export function summarize (values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b)
  const mean = sorted.length === 0 ? NaN : sorted.reduce((s, v) => s + v, 0) / sorted.length
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? NaN : sorted[sorted.length - 1],
    mean
  }
}

/** A number for a table: `-` for missing, at most `digits` decimals. */
export function fmt (value: number | null | undefined, digits = 1): string {
  if (value == null || !Number.isFinite(value)) return '-'
  return Number.isInteger(value) ? String(value) : value.toFixed(digits)
}

/** ours / theirs as `0.25x`; below 1 means slm is smaller (faster, lighter). */
export function ratio (ours: number | null | undefined, theirs: number | null | undefined): string {
  if (ours == null || theirs == null || !Number.isFinite(ours) || !Number.isFinite(theirs) || theirs === 0) return '-'
  return `${(ours / theirs).toFixed(2)}x`
}

/** Renders rows as an aligned text table with a header rule; numbers align right. */
export function table (header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const numeric = header.map((_, i) => rows.every((r) => /^[-\d.x%]*$/.test(r[i] ?? '')))
  const line = (cells: string[]): string => cells
    .map((c, i) => numeric[i] && i > 0 ? c.padStart(widths[i]) : c.padEnd(widths[i]))
    .join('  ')
    .trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}
