/**
 * One page of a node's transition history: when, from → to, trigger, operator, comment.
 */
import { Box, Text } from 'ink'
import type { HistoryItem, Page } from '../../protocol/control.js'
import { stateColour } from '../render/colour.js'
import { fit } from '../render/format.js'
import { historyCells } from '../render/node-detail.js'

export interface HistoryListProps {
  readonly page: Page<HistoryItem> | null
  /** Rows reserved, so the layout does not jump while a page loads. */
  readonly rows: number
  readonly width: number
}

const WIDTHS = [14, 30, 11, 10]

export function HistoryList ({ page, rows, width }: HistoryListProps): React.JSX.Element {
  const first = page == null || page.total === 0 ? 0 : page.offset + 1
  const last = page == null ? 0 : page.offset + page.items.length
  const rest = Math.max(8, width - WIDTHS.reduce((s, w) => s + w + 1, 0))
  return (
    <Box flexDirection='column' height={rows + 1}>
      <Text wrap='truncate'>
        <Text bold>History</Text>
        <Text dimColor> {page == null ? 'loading…' : `${first}-${last} of ${page.total}`}  [ newer  ] older</Text>
      </Text>
      {page?.items.length === 0 && <Text dimColor>  no transitions recorded</Text>}
      {page?.items.slice(0, rows).map((h) => {
        const cells = historyCells(h)
        return (
          <Text key={`${h.seq}-${h.hlc}`} wrap='truncate'>
            <Text dimColor>{fit(cells[0], WIDTHS[0])} </Text>
            <Text color={stateColour(h.to)}>{fit(cells[1], WIDTHS[1])} </Text>
            <Text>{fit(cells[2], WIDTHS[2])} </Text>
            <Text color='cyan'>{fit(cells[3], WIDTHS[3])} </Text>
            <Text>{fit(cells[4], rest)}</Text>
          </Text>
        )
      })}
    </Box>
  )
}
