/**
 * One fleet table row: lays out the pure renderer's cells at the placed column widths. Memoised,
 * so a heartbeat for one node re-renders one row, not the screen.
 */
import { Text } from 'ink'
import { memo } from 'react'
import type { NodeView } from '../../protocol/control.js'
import type { ChangeKind } from '../render/colour.js'
import type { PlacedColumn } from '../render/columns.js'
import { renderFleetRow } from '../render/fleet-row.js'
import { fit } from '../render/format.js'

export interface FleetRowProps {
  readonly node: NodeView
  readonly columns: readonly PlacedColumn[]
  /** Under the cursor: drawn inverse. */
  readonly selected: boolean
  /** Marked with space for a bulk command. */
  readonly marked: boolean
  readonly changed: ChangeKind | undefined
  readonly now: number
}

function FleetRowImpl ({ node, columns, selected, marked, changed, now }: FleetRowProps): React.JSX.Element {
  const cells = renderFleetRow(node, { now, changed })
  return (
    <Text wrap='truncate' inverse={selected} bold={marked}>
      <Text color='magenta'>{marked ? '● ' : '  '}</Text>
      {columns.map((c, i) => {
        const cell = cells[c.id]
        return (
          <Text key={c.id} color={cell.colour}>
            {fit(cell.text, c.size, c.align)}{i < columns.length - 1 ? ' ' : ''}
          </Text>
        )
      })}
    </Text>
  )
}

export const FleetRow = memo(FleetRowImpl)
