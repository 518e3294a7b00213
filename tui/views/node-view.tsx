/**
 * Node: one node in depth — health, roles (assigned / detected / effective), versions, a page of
 * transition history with trigger, operator and comment, and its recent command results.
 */
import { Box, Text } from 'ink'
import { useEffect } from 'react'
import type { NodeView as NodeRecord } from '../../protocol/control.js'
import { HistoryList } from '../components/history-list.js'
import { useNodeDetail } from '../hooks/use-node-detail.js'
import { livenessColour, resultColour, stateColour } from '../render/colour.js'
import { checksText, detectedText, heartbeatText, hostLine, stamp, usageLine, versionsLine } from '../render/node-detail.js'
import type { UiAction } from '../state/reducer.js'
import type { FleetSource } from '../source.js'

/** Lines above the history (title, host, usage, roles, versions, checks) and the results block. */
export const NODE_FIXED_LINES = 6
export const NODE_RESULT_LINES = 3

/** History rows that fit in `height` lines. */
export function historyPageSize (height: number): number {
  return Math.max(2, Math.min(50, height - NODE_FIXED_LINES - 1 - (NODE_RESULT_LINES + 1)))
}

export interface NodeViewProps {
  readonly source: FleetSource | null
  /** The node record from the live snapshot; undefined while loading or if it vanished. */
  readonly node: NodeRecord | undefined
  readonly nodeId: string
  readonly historyOffset: number
  /** Bumps when a live change for this node arrives. */
  readonly revision: number
  readonly now: number
  readonly width: number
  readonly height: number
  readonly dispatch: (a: UiAction) => void
}

export function NodeView ({ source, node, nodeId, historyOffset, revision, now, width, height, dispatch }: NodeViewProps): React.JSX.Element {
  const pageSize = historyPageSize(height)
  const detail = useNodeDetail(source, { id: nodeId, offset: historyOffset, limit: pageSize, revision })
  const total = detail.history?.total
  useEffect(() => {
    if (total != null) dispatch({ type: 'history', total, pageSize })
  }, [total, pageSize, dispatch])

  if (node == null) {
    return <Box height={height}><Text dimColor>node {nodeId} is not in the replica (yet)</Text></Box>
  }
  const results = detail.results.slice(-NODE_RESULT_LINES).reverse()
  return (
    <Box flexDirection='column' height={height} overflow='hidden'>
      <Text wrap='truncate'>
        <Text bold color='cyan'>{node.name}</Text>
        <Text>  </Text><Text color={stateColour(node.state)}>{node.state}</Text>
        <Text>  </Text><Text color={livenessColour(node.liveness)}>{node.liveness}</Text>
        <Text dimColor>  {heartbeatText(node, now)}</Text>
        {node.isCodeSource && <Text color='green'>  ◆ code-source</Text>}
        {node.tags.length > 0 && <Text dimColor>  tags {node.tags.join(',')}</Text>}
      </Text>
      <Text wrap='truncate' dimColor>{hostLine(node)}</Text>
      <Text wrap='truncate'>
        {usageLine(node)}
        {node.lastError != null && <Text color='red'>  last error: {node.lastError}</Text>}
      </Text>
      <Text wrap='truncate'>
        <Text bold>roles </Text>
        <Text>effective </Text><Text color='green'>{node.roles.join(',') || '-'}</Text>
        <Text>  assigned </Text><Text color='cyan'>{node.assignedRoles.join(',') || '-'}</Text>
        <Text>  detected </Text><Text>{detectedText(node)}</Text>
      </Text>
      <Text wrap='truncate'><Text bold>versions </Text>{versionsLine(node)}</Text>
      <Text wrap='truncate'>
        <Text bold>checks </Text>
        {checksText(node).map((c) => <Text key={c.text} color={c.ok ? 'green' : 'red'}>{c.text}  </Text>)}
      </Text>
      <HistoryList page={detail.history} rows={pageSize} width={width} />
      <Text bold>Recent command results{detail.error != null ? <Text color='red'> ({detail.error})</Text> : ''}</Text>
      {results.length === 0 && <Text dimColor>  none</Text>}
      {results.map((r) => (
        <Text key={`${r.commandId}-${r.status}`} wrap='truncate'>
          <Text dimColor>{stamp(r.at)} </Text>
          <Text color={resultColour(r.status)}>{r.status.padEnd(9)}</Text>
          <Text>{r.commandId.slice(-8)}</Text>
          {r.reason != null && <Text dimColor> {r.reason}</Text>}
        </Text>
      ))}
    </Box>
  )
}
