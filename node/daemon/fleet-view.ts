/** Node views of the whole replica, as the control API, CLI and TUI show them. */
import type { NodeView } from '../../protocol/control.js'
import type { Daemon } from './daemon.js'
import { buildNodeView, splitEntryKey, type FleetAssignments } from './views.js'

export function fleetAssignments (d: Daemon): FleetAssignments {
  const assign: FleetAssignments['assign'] = []
  const tags: FleetAssignments['tags'] = []
  // The daemon's 1 s code tick and every command build this node's view: the registers are
  // the store's cached read, not a scan of LMDB each time.
  const regs = d.store.assignmentRegisters()
  for (const r of regs.assign) {
    if (r.value == null) continue
    const k = splitEntryKey(r.key, 'assign/')
    if (k != null) assign.push({ entry: k.entry, role: k.name })
  }
  for (const r of regs.tag) {
    if (r.value == null) continue
    const k = splitEntryKey(r.key, 'tag/')
    if (k != null) tags.push({ entry: k.entry, tag: k.name })
  }
  return { assign, tags }
}

export function nodeViews (d: Daemon, filter: { state?: string, role?: string } = {}): NodeView[] {
  const fleet = fleetAssignments(d)
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
  return buildNodeView(n, liveness, fleetAssignments(d), d.code.holder())
}
