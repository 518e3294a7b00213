/**
 * One fleet table row: lays out the pure renderer's cells at the placed column widths. Memoised,
 * so a heartbeat for one node re-renders one row, not the screen.
 */
import { Box, Text } from 'ink'
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
  // One Text per cell, not one per row: Ink measures each text's width, and a row holding a bar
  // glyph would send the whole line down string-width's slow Unicode path; cells keep that to
  // the few cells that need it (bench: test/bench/tui.bench.tsx).
  return (
    <Box height={1} overflow='hidden'>
      <Text color='magenta' inverse={selected} bold={marked}>{marked ? '● ' : '  '}</Text>
      {columns.map((c, i) => {
        const cell = cells[c.id]
        return (
          <Text key={c.id} color={cell.colour} inverse={selected} bold={marked}>
            {fit(cell.text, c.size, c.align)}{i < columns.length - 1 ? ' ' : ''}
          </Text>
        )
      })}
    </Box>
  )
}

export const FleetRow = memo(FleetRowImpl)
