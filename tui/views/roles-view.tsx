/**
 * Roles: every role definition with how many nodes run it (healthy/total), its services, health
 * checks and description. Enter shows the fleet filtered to that role.
 */
import { Box, Text } from 'ink'
import { memo } from 'react'
import type { NodeView } from '../../protocol/control.js'
import type { RoleDefinition } from '../../protocol/types.js'
import { fit } from '../render/format.js'
import { renderRoleRow } from '../render/role-row.js'
import { windowTop, type ListState } from '../state/ui-state.js'

export interface RolesViewProps {
  /** Filtered role definitions. */
  readonly roles: readonly RoleDefinition[]
  readonly nodes: readonly NodeView[]
  readonly list: ListState
  readonly filter: string
  readonly width: number
  readonly height: number
}

const W = { name: 14, type: 10, nodes: 7, services: 18, checks: 14 }

function RolesViewImpl ({ roles, nodes, list, filter, width, height }: RolesViewProps): React.JSX.Element {
  const body = Math.max(1, height - 2)
  const cursor = Math.min(list.cursor, Math.max(0, roles.length - 1))
  const top = windowTop(list.top, cursor, body, roles.length)
  const desc = Math.max(8, width - 2 - Object.values(W).reduce((s, w) => s + w + 1, 0))
  return (
    <Box flexDirection='column' height={height}>
      <Text wrap='truncate'>
        <Text bold color='cyan'>Roles</Text><Text> ({roles.length})</Text>
        {filter !== '' && <Text color='yellow'> /{filter}</Text>}
        <Text dimColor>  enter: nodes with the role</Text>
      </Text>
      <Text bold wrap='truncate'>
        {'  '}{fit('NAME', W.name)} {fit('TYPE', W.type)} {fit('NODES', W.nodes)} {fit('SERVICES', W.services)} {fit('CHECKS', W.checks)} DESCRIPTION
      </Text>
      {roles.length === 0 && <Text dimColor>  no roles defined</Text>}
      {roles.slice(top, top + body).map((role, i) => {
        const r = renderRoleRow(role, nodes)
        return (
          <Text key={role.name} wrap='truncate' inverse={top + i === cursor}>
            {'  '}<Text color='cyan'>{fit(r.name, W.name)}</Text> {fit(r.type, W.type)} <Text color='green'>{fit(r.nodes, W.nodes)}</Text> {fit(r.services, W.services)} {fit(r.checks, W.checks)} <Text dimColor>{fit(r.description, desc)}</Text>
          </Text>
        )
      })}
    </Box>
  )
}

export const RolesView = memo(RolesViewImpl)
