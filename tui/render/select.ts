/**
 * Filtering and sorting of fleet rows: pure, so a 1,000-node fleet is filtered and sorted once
 * per data change (memoised by the view), never per frame.
 */
import type { NodeView } from '../../protocol/control.js'

/**
 * `/` filter: every word must match the name, state, liveness, a role or a tag (case-insensitive
 * substring) or start the node id. `!word` excludes. Empty matches everything. The id by prefix
 * only: a 52-character peer id holds about any two-character string somewhere, so `n2` matched
 * random other nodes.
 */
export function matchesFilter (node: NodeView, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter((w) => w !== '')
  if (words.length === 0) return true
  const hay = [node.name, node.state, node.liveness, ...node.roles, ...node.tags]
    .map((s) => s.toLowerCase())
  const id = node.id.toLowerCase()
  return words.every((w) => {
    const negate = w.startsWith('!') && w.length > 1
    const needle = negate ? w.slice(1) : w
    const hit = id.startsWith(needle) || hay.some((s) => s.includes(needle))
    return negate ? !hit : hit
  })
}

export type SortKey = 'name' | 'state' | 'liveness' | 'roles' | 'cpu' | 'mem' | 'disk' | 'heartbeat'

export interface SortSpec {
  readonly key: SortKey
  readonly desc: boolean
}

// Plain code-unit order, not localeCompare: sorting 1,000 rows on every live update must stay cheap.
const str = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
const num = (v: number | null | undefined): number => (v == null || !Number.isFinite(v) ? -1 : v)

function compare (a: NodeView, b: NodeView, key: SortKey): number {
  switch (key) {
    case 'name': return str(a.name, b.name)
    case 'state': return str(a.state, b.state)
    case 'liveness': return str(a.liveness, b.liveness)
    case 'roles': return str(a.roles.join(','), b.roles.join(','))
    case 'cpu': return num(a.health?.cpuPercent) - num(b.health?.cpuPercent)
    case 'mem': return num(a.health?.memoryPercent) - num(b.health?.memoryPercent)
    case 'disk': return num(a.health?.diskPercent) - num(b.health?.diskPercent)
    // Oldest heartbeat first reads as "most stale first" when descending.
    case 'heartbeat': return num(b.lastHeartbeat) - num(a.lastHeartbeat)
  }
}

/** Stable sort with the node name, then id, as tie-breakers so rows never jump on refresh. */
export function sortNodes (nodes: readonly NodeView[], spec: SortSpec): NodeView[] {
  const dir = spec.desc ? -1 : 1
  return [...nodes].sort((a, b) =>
    dir * compare(a, b, spec.key) || str(a.name, b.name) || str(a.id, b.id))
}

export function selectNodes (nodes: readonly NodeView[], filter: string, spec: SortSpec): NodeView[] {
  return sortNodes(filter === '' ? nodes : nodes.filter((n) => matchesFilter(n, filter)), spec)
}
