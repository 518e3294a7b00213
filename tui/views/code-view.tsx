/**
 * Code: rollouts per role (desired commit and strategy, a progress bar of nodes running it,
 * failures, halted/paused) and the commits the code-source announced, newest first.
 */
import { Box, Text } from 'ink'
import { useEffect } from 'react'
import type { CodeData } from '../hooks/use-code.js'
import { fit } from '../render/format.js'
import { renderCommit, renderRollout } from '../render/role-row.js'
import type { UiAction } from '../state/reducer.js'
import { windowTop, type ListState } from '../state/ui-state.js'

export interface CodeViewProps {
  /** Commits and rollouts, fetched by the App (so `s` can pre-fill the commit under the cursor). */
  readonly code: CodeData
  readonly list: ListState
  readonly now: number
  readonly width: number
  readonly height: number
  readonly dispatch: (a: UiAction) => void
}

const CW = [7, 10, 4, 12, 16]

export function CodeView ({ code, list, now, width, height, dispatch }: CodeViewProps): React.JSX.Element {
  const { commits, status, error } = code
  useEffect(() => { dispatch({ type: 'total', list: 'code', total: commits.length }) }, [commits.length, dispatch])
  const rollouts = status?.roles ?? []
  const rolloutRows = Math.min(rollouts.length, Math.max(1, Math.floor((height - 4) / 2)))
  const body = Math.max(1, height - 4 - Math.max(1, rolloutRows))
  const cursor = Math.min(list.cursor, Math.max(0, commits.length - 1))
  const top = windowTop(list.top, cursor, body, commits.length)
  const msg = Math.max(8, width - 2 - CW.reduce((s, w) => s + w + 1, 0))
  return (
    <Box flexDirection='column' height={height} overflow='hidden'>
      <Text wrap='truncate'>
        <Text bold color='cyan'>Rollouts</Text>
        <Text dimColor> desired vs running per role</Text>
        {error != null && <Text color='red'>  {error}</Text>}
      </Text>
      {rollouts.length === 0 && <Text dimColor>  no desired code set (:code sync ROLE SHA)</Text>}
      {rollouts.slice(0, rolloutRows).map((r) => {
        const line = renderRollout(r)
        return (
          <Text key={r.role} wrap='truncate'>
            {'  '}<Text color='cyan'>{fit(line.role, 14)}</Text> {fit(line.desired, 20)} <Text color={line.colour}>{line.progress}</Text> <Text color={line.colour}>{line.state}</Text>
          </Text>
        )
      })}
      <Text wrap='truncate'>
        <Text bold color='cyan'>Commits</Text><Text> ({commits.length})</Text>
      </Text>
      <Text bold wrap='truncate'>{'  '}{fit('SHA', CW[0])} {fit('BRANCH', CW[1])} {fit('AGE', CW[2])} {fit('AUTHOR', CW[3])} {fit('ROLES', CW[4])} MESSAGE</Text>
      {commits.length === 0 && <Text dimColor>  no commits announced yet (slm hook install on the code-source repo)</Text>}
      {commits.slice(top, top + body).map((c, i) => {
        const cells = renderCommit(c, now)
        return (
          <Text key={c.sha} wrap='truncate' inverse={top + i === cursor}>
            {'  '}<Text color='yellow'>{fit(cells[0], CW[0])}</Text> {fit(cells[1], CW[1])} {fit(cells[2], CW[2], 'right')} {fit(cells[3], CW[3])} <Text color='cyan'>{fit(cells[4], CW[4])}</Text> {fit(cells[5], msg)}
          </Text>
        )
      })}
    </Box>
  )
}
