/**
 * Events: the live stream of stored replica changes (transitions, command results, code, liveness,
 * fleet registers), newest at the bottom, filterable with `/`. Backed by the store's bounded ring;
 * heartbeats are counted in the title instead of flooding the list.
 */
import { Box, Text } from 'ink'
import { memo } from 'react'
import { fit } from '../render/format.js'
import type { EventLine } from '../render/event-line.js'
import { windowTop, type ListState } from '../state/ui-state.js'

export interface EventsViewProps {
  /** Rendered and filtered lines, oldest first. */
  readonly lines: readonly EventLine[]
  readonly heartbeats: number
  readonly list: ListState
  readonly filter: string
  /** Follow the newest line unless the user moved the cursor up. */
  readonly follow: boolean
  readonly height: number
}

function EventsViewImpl ({ lines, heartbeats, list, filter, follow, height }: EventsViewProps): React.JSX.Element {
  const body = Math.max(1, height - 1)
  const cursor = follow ? Math.max(0, lines.length - 1) : Math.min(list.cursor, Math.max(0, lines.length - 1))
  const top = follow ? Math.max(0, lines.length - body) : windowTop(list.top, cursor, body, lines.length)
  return (
    <Box flexDirection='column' height={height}>
      <Text wrap='truncate'>
        <Text bold color='cyan'>Events</Text><Text> ({lines.length})</Text>
        {filter !== '' && <Text color='yellow'> /{filter}</Text>}
        <Text dimColor>  {heartbeats} heartbeats  {follow ? 'following (k/up to scroll)' : 'G to follow'}</Text>
      </Text>
      {lines.length === 0 && <Text dimColor>  waiting for changes…</Text>}
      {lines.slice(top, top + body).map((l, i) => (
        <Text key={`${top + i}`} wrap='truncate' inverse={!follow && top + i === cursor}>
          <Text dimColor>{l.time} </Text>
          <Text color='cyan'>{fit(l.type, 14)} </Text>
          <Text>{fit(l.node, 12)} </Text>
          <Text color={l.colour}>{l.text}</Text>
        </Text>
      ))}
    </Box>
  )
}

export const EventsView = memo(EventsViewImpl)
