/**
 * Two header lines: where we are attached, fleet size, the code-source holder, and READ-ONLY
 * when there is no operator key; then the fleet's counts by lifecycle state.
 */
import { Box, Text } from 'ink'
import { memo } from 'react'
import { stateColour } from '../render/colour.js'
import { countByState } from '../render/fleet-row.js'
import { shortState } from '../render/format.js'
import { codeSourceName, type FleetData } from '../state/fleet-data.js'

export interface HeaderProps {
  /** The fleet snapshot. */
  readonly data: FleetData
  /** No operator key: commands are impossible and the header says so. */
  readonly readOnly: boolean
  /** Title of the current view. */
  readonly view: string
}

function HeaderImpl ({ data, readOnly, view }: HeaderProps): React.JSX.Element {
  const counts = countByState(data.nodes)
  const alive = data.status?.liveness
  return (
    <Box flexDirection='column'>
      <Text wrap='truncate'>
        <Text bold color='cyan'>slm</Text>
        <Text> {view} </Text>
        <Text dimColor>│ </Text>
        <Text>via {data.status?.name ?? '…'} </Text>
        <Text dimColor>│ </Text>
        <Text>{data.nodes.length} nodes </Text>
        {alive != null && <Text dimColor>({alive.alive ?? 0} alive) </Text>}
        <Text dimColor>│ </Text>
        <Text>code-source <Text color='green'>{codeSourceName(data)}</Text> </Text>
        {readOnly
          ? <Text color='red' inverse> READ-ONLY </Text>
          : <Text color='green'>operator</Text>}
      </Text>
      <Text wrap='truncate'>
        {counts.length === 0 && <Text dimColor>{data.loaded ? 'no nodes' : 'loading…'}</Text>}
        {counts.map(([state, n]) => (
          <Text key={state}>
            <Text color={stateColour(state)}>{shortState(state)}</Text>
            <Text> {n}  </Text>
          </Text>
        ))}
      </Text>
    </Box>
  )
}

export const Header = memo(HeaderImpl)
