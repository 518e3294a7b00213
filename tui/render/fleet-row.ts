/**
 * Pure renderer of one fleet row: a node record in, one cell per column out (k9s `render/`).
 * The table component only lays these cells out; every decision about text and colour is here.
 */
import type { NodeView } from '../../protocol/control.js'
import { changeColour, livenessColour, stateColour, usageColour, type ChangeKind } from './colour.js'
import type { ColumnId } from './columns.js'
import { formatAge, shortLiveness, shortSha, shortState, usage } from './format.js'

export interface Cell {
  readonly text: string
  readonly colour?: string
}

export type FleetRowCells = Record<ColumnId, Cell>

export interface RowContext {
  readonly now: number
  /** What changed on this node within the highlight window, if anything. */
  readonly changed?: ChangeKind
}

export function versionsText (versions: Record<string, string>): string {
  const keys = Object.keys(versions).sort()
  if (keys.length === 0) return '-'
  return keys.map((role) => `${role}:${shortSha(versions[role])}`).join(' ')
}

export function renderFleetRow (node: NodeView, ctx: RowContext): FleetRowCells {
  const h = node.health
  const changed = changeColour(ctx.changed)
  const source = node.isCodeSource ? ' ◆' : ''
  return {
    name: { text: node.name + source, colour: changed },
    state: { text: shortState(node.state), colour: stateColour(node.state) },
    liveness: { text: shortLiveness(node.liveness), colour: livenessColour(node.liveness) },
    roles: { text: node.roles.length === 0 ? '-' : node.roles.join(','), colour: changed },
    cpu: { text: usage(h?.cpuPercent), colour: usageColour(h?.cpuPercent) },
    mem: { text: usage(h?.memoryPercent), colour: usageColour(h?.memoryPercent) },
    disk: { text: usage(h?.diskPercent), colour: usageColour(h?.diskPercent) },
    versions: { text: versionsText(node.versions), colour: changed },
    heartbeat: { text: formatAge(node.lastHeartbeat, ctx.now), colour: node.liveness === 'alive' ? undefined : 'gray' }
  }
}

/** The header's "online 12  degraded 1 ..." counts, in lifecycle order. */
export function countByState (nodes: readonly NodeView[]): Array<[string, number]> {
  const counts = new Map<string, number>()
  for (const n of nodes) counts.set(n.state, (counts.get(n.state) ?? 0) + 1)
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
}
