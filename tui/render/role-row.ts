/**
 * Pure renderers for the Roles and Code views.
 */
import type { CodeCommitView, CodeStatusView, NodeView } from '../../protocol/control.js'
import type { RoleDefinition } from '../../protocol/types.js'
import { bar, formatAge, shortSha } from './format.js'

export interface RoleRow {
  readonly name: string
  readonly type: string
  readonly nodes: string
  readonly services: string
  readonly checks: string
  readonly description: string
}

export function renderRoleRow (role: RoleDefinition, nodes: readonly NodeView[]): RoleRow {
  let on = 0
  let healthy = 0
  for (const n of nodes) {
    if (!n.roles.includes(role.name)) continue
    on++
    if (n.health?.checks[role.name]?.ok !== false && n.liveness === 'alive') healthy++
  }
  return {
    name: role.name,
    type: role.serviceType,
    nodes: `${healthy}/${on}`,
    services: role.systemdServices.join(',') || '-',
    checks: role.healthChecks.map((c) => c.kind === 'command' ? 'cmd' : `${c.kind}:${c.port}`).join(',') || '-',
    description: role.description
  }
}

export function roleMatches (role: RoleDefinition, filter: string): boolean {
  if (filter === '') return true
  const hay = `${role.name} ${role.displayName} ${role.description} ${role.serviceType}`.toLowerCase()
  return filter.toLowerCase().split(/\s+/).filter((w) => w !== '').every((w) => hay.includes(w))
}

export type Rollout = CodeStatusView['roles'][number]

export interface RolloutLine {
  readonly role: string
  readonly desired: string
  readonly progress: string
  readonly state: string
  readonly colour: string
}

export function renderRollout (r: Rollout, barWidth = 12): RolloutLine {
  const pct = r.total === 0 ? 0 : (100 * r.done) / r.total
  const state = r.halted ? 'halted' : r.desired?.paused === true ? 'paused' : r.done === r.total ? 'in sync' : 'rolling'
  const colour = r.halted || r.failed > 0 ? 'red' : state === 'in sync' ? 'green' : state === 'paused' ? 'yellow' : 'cyan'
  return {
    role: r.role,
    desired: r.desired == null ? '-' : `${shortSha(r.desired.sha)} ${r.desired.strategy}`,
    progress: `${bar(pct, barWidth)} ${r.done}/${r.total}${r.failed > 0 ? ` ${r.failed} failed` : ''}`,
    state,
    colour
  }
}

export function renderCommit (c: CodeCommitView, now: number): string[] {
  return [
    shortSha(c.sha),
    c.branch,
    formatAge(c.at, now),
    c.author,
    c.affectedRoles.join(',') || '-',
    c.message.split('\n')[0]
  ]
}
