/** Node views of the whole replica, as the control API, CLI and TUI show them. */
import type { NodeView } from '../../protocol/control.js'
import type { Daemon } from './daemon.js'
import { buildNodeView } from './views.js'

export function nodeViews (d: Daemon, filter: { state?: string, role?: string } = {}): NodeView[] {
  // The store's cached entries: the daemon's 1 s code tick and every command build views.
  const fleet = d.store.assignments()
  const holder = d.code.holder()
  const out: NodeView[] = []
  for (const n of d.store.listNodes()) {
    const liveness = n.id === d.id ? 'alive' : d.peers.livenessOf(n.id)
    const v = buildNodeView(n, liveness, fleet, holder)
    if (filter.state != null && v.state !== filter.state) continue
    if (filter.role != null && !v.roles.includes(filter.role)) continue
    out.push(v)
  }
  return out.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
}

export function nodeViewOf (d: Daemon, idOrName: string): NodeView | undefined {
  const n = d.store.getNode(idOrName)
  if (n == null) return undefined
  const liveness = n.id === d.id ? 'alive' : d.peers.livenessOf(n.id)
  return buildNodeView(n, liveness, d.store.assignments(), d.code.holder())
}
