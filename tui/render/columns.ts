/**
 * The fleet table's columns and how they share the terminal width. Narrow terminals drop the
 * least important columns first (k9s does the same with its wide columns), so 80x24 still shows
 * name, state, liveness, roles, usage and heartbeat age.
 */

export type ColumnId = 'name' | 'state' | 'liveness' | 'roles' | 'cpu' | 'mem' | 'disk' | 'versions' | 'heartbeat'

export interface Column {
  readonly id: ColumnId
  readonly title: string
  /** Minimum cells. */
  readonly width: number
  /** Share of the spare width; 0 = fixed. */
  readonly grow: number
  /** Lower is kept longer when the terminal is narrow. */
  readonly priority: number
  readonly align: 'left' | 'right'
}

export const COLUMNS: readonly Column[] = [
  { id: 'name', title: 'NAME', width: 10, grow: 2, priority: 0, align: 'left' },
  { id: 'state', title: 'STATE', width: 16, grow: 0, priority: 0, align: 'left' },
  { id: 'liveness', title: 'LIVE', width: 7, grow: 0, priority: 1, align: 'left' },
  { id: 'roles', title: 'ROLES', width: 10, grow: 2, priority: 2, align: 'left' },
  { id: 'cpu', title: 'CPU', width: 6, grow: 0, priority: 3, align: 'left' },
  { id: 'mem', title: 'MEM', width: 6, grow: 0, priority: 4, align: 'left' },
  { id: 'disk', title: 'DISK', width: 6, grow: 0, priority: 5, align: 'left' },
  { id: 'versions', title: 'VERSIONS', width: 16, grow: 3, priority: 7, align: 'left' },
  { id: 'heartbeat', title: 'HB', width: 4, grow: 0, priority: 1, align: 'right' }
]

/** One column placed at a width. */
export interface PlacedColumn extends Column {
  readonly size: number
}

/** Cells before the first column: the mark and a space. */
export const ROW_PREFIX = 2

/**
 * Chooses the columns that fit `total` cells (one space between columns) and spreads the spare
 * width over the growing ones. Order of the result is table order.
 */
export function layoutColumns (total: number, columns: readonly Column[] = COLUMNS): PlacedColumn[] {
  const kept = [...columns]
  const need = (cols: readonly Column[]): number =>
    ROW_PREFIX + cols.reduce((s, c) => s + c.width, 0) + Math.max(0, cols.length - 1)
  while (kept.length > 1 && need(kept) > total) {
    let drop = 0
    for (let i = 1; i < kept.length; i++) if (kept[i].priority >= kept[drop].priority) drop = i
    kept.splice(drop, 1)
  }
  const spare = Math.max(0, total - need(kept))
  const grow = kept.reduce((s, c) => s + c.grow, 0)
  let given = 0
  const placed = kept.map((c) => {
    const extra = grow === 0 ? 0 : Math.floor((spare * c.grow) / grow)
    given += extra
    return { ...c, size: c.width + extra }
  })
  // Rounding leftovers go to the first growing column so rows fill the line exactly.
  const first = placed.find((c) => c.grow > 0)
  if (first != null) (first as { size: number }).size += spare - given
  return placed
}
