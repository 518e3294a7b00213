/**
 * Fleet (home): one row a node. Only the rows inside the window are rendered (windowing), so a
 * 1,000-node fleet costs the same per frame as a 20-node one; filtering and sorting happen once
 * per data change in the App, not here.
 */
import { Box, Text } from 'ink'
import { memo, useMemo } from 'react'
import type { NodeView } from '../../protocol/control.js'
import { layoutColumns, ROW_PREFIX } from '../render/columns.js'
import { fit } from '../render/format.js'
import type { SortSpec } from '../render/select.js'
import type { RowChange } from '../state/fleet-data.js'
import { windowTop, type ListState } from '../state/ui-state.js'
import { FleetRow } from '../components/fleet-row.js'
import { HIGHLIGHT_MS } from '../constants.js'

export interface FleetViewProps {
  /** Filtered and sorted rows. */
  readonly rows: readonly NodeView[]
  /** Nodes in the fleet before filtering. */
  readonly total: number
  readonly list: ListState
  readonly sort: SortSpec
  readonly filter: string
  readonly marks: ReadonlySet<string>
  readonly changed: ReadonlyMap<string, RowChange>
  readonly now: number
  readonly width: number
  /** Lines available, title and column header included. */
  readonly height: number
}

function FleetViewImpl ({ rows, total, list, sort, filter, marks, changed, now, width, height }: FleetViewProps): React.JSX.Element {
  const columns = useMemo(() => layoutColumns(width), [width])
  const bodyHeight = Math.max(1, height - 2)
  const cursor = Math.min(list.cursor, Math.max(0, rows.length - 1))
  const top = windowTop(list.top, cursor, bodyHeight, rows.length)
  const visible = rows.slice(top, top + bodyHeight)
  const arrow = sort.desc ? '↓' : '↑'
  return (
    <Box flexDirection='column' height={height}>
      <Text wrap='truncate'>
        <Text bold color='cyan'>Fleet</Text>
        <Text> ({rows.length}{rows.length !== total ? `/${total}` : ''})</Text>
        {filter !== '' && <Text color='yellow'> /{filter}</Text>}
        {marks.size > 0 && <Text color='magenta'> ● {marks.size} marked</Text>}
        <Text dimColor>  sort {sort.key}{arrow}</Text>
        {rows.length > bodyHeight && <Text dimColor>  {top + 1}-{top + visible.length} of {rows.length}</Text>}
      </Text>
      <Text wrap='truncate' bold>
        {' '.repeat(ROW_PREFIX)}
        {columns.map((c, i) => {
          const sorted = c.id === sort.key
          const sep = i < columns.length - 1 ? ' ' : ''
          return <Text key={c.id} color={sorted ? 'cyan' : undefined}>{fit(c.title + (sorted ? arrow : ''), c.size, c.align)}{sep}</Text>
        })}
      </Text>
      {rows.length === 0 && <Text dimColor>{total === 0 ? '  no nodes yet' : '  nothing matches the filter (esc clears it)'}</Text>}
      {visible.map((node, i) => {
        const ch = changed.get(node.id)
        return (
          <FleetRow
            key={node.id}
            node={node}
            columns={columns}
            selected={top + i === cursor}
            marked={marks.has(node.id)}
            changed={ch != null && now - ch.at < HIGHLIGHT_MS ? ch.kind : undefined}
            now={now}
          />
        )
      })}
    </Box>
  )
}

export const FleetView = memo(FleetViewImpl)
