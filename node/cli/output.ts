/**
 * Shared printing for commands: aligned text tables for people, JSON for scripts (`--json`).
 * Pure formatters return strings; `print*` write to stdout (overridable for tests).
 */

export interface Column<T> {
  header: string
  /** The cell for one row; null/undefined print as `-`. */
  get: (row: T) => unknown
  align?: 'left' | 'right'
}

let out: (s: string) => void = (s) => { process.stdout.write(s) }

/** Redirects print* output (tests, in-process callers). Returns the previous writer. */
export function setOutput (writer: (s: string) => void): (s: string) => void {
  const prev = out
  out = writer
  return prev
}

export function cell (value: unknown): string {
  if (value == null || value === '') return '-'
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(cell).join(',')
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** Column-aligned table, two spaces between columns, upper-case headers, no trailing spaces. */
export function formatTable<T> (rows: readonly T[], columns: ReadonlyArray<Column<T>>): string {
  const grid = [columns.map((c) => c.header.toUpperCase()), ...rows.map((r) => columns.map((c) => cell(c.get(r))))]
  const widths = columns.map((_, i) => Math.max(...grid.map((line) => line[i].length)))
  return grid.map((line) => line.map((text, i) => {
    if (i === line.length - 1 && columns[i].align !== 'right') return text
    return columns[i].align === 'right' ? text.padStart(widths[i]) : text.padEnd(widths[i])
  }).join('  ').trimEnd()).join('\n') + '\n'
}

/** `key: value` lines with the keys aligned, for single-record output such as `slm status`. */
export function formatKeyValues (pairs: ReadonlyArray<[string, unknown]>): string {
  const width = Math.max(0, ...pairs.map(([k]) => k.length))
  return pairs.map(([k, v]) => `${(k + ':').padEnd(width + 1)} ${cell(v)}`).join('\n') + '\n'
}

export function print (text: string): void {
  out(text.endsWith('\n') ? text : text + '\n')
}

export function printTable<T> (rows: readonly T[], columns: ReadonlyArray<Column<T>>): void {
  out(formatTable(rows, columns))
}

/** Pretty JSON document (one value per command run). */
export function printJson (value: unknown): void {
  out(JSON.stringify(value, null, 2) + '\n')
}

/** One compact JSON object per line, for streams such as `slm events --follow --json`. */
export function printJsonLine (value: unknown): void {
  out(JSON.stringify(value) + '\n')
}

/** `--json` prints `value`; otherwise `human` renders it for people. */
export function emit<T> (json: boolean, value: T, human: (value: T) => string): void {
  if (json) printJson(value)
  else print(human(value))
}

/** Compact age for tables: `45s`, `12m`, `3h`, `2d`; `-` when unknown. */
export function formatAge (thenMs: number | undefined, nowMs: number): string {
  if (thenMs == null || !Number.isFinite(thenMs)) return '-'
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m`
  if (s < 86_400) return `${Math.floor(s / 3600)}h`
  return `${Math.floor(s / 86_400)}d`
}
