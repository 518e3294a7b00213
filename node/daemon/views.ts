/**
 * Public views built from the replica: node records plus observed liveness plus fleet registers
 * (assignments and tags are register entries that may name a node id, name, role or tag).
 */
import type { NodeView } from '../../protocol/control.js'
import type { Heartbeat, Liveness, NodeState } from '../../protocol/types.js'
import { membership, type Assignments } from '../store/index.js'

export interface NodeBase {
  id: string
  name: string
  state: NodeState
  lastHeartbeat: number | null
  heartbeat: Heartbeat | null
  seq: number
  installAttempts: number
  lastError?: string
}

export function buildNodeView (base: NodeBase, liveness: Liveness, fleet: Assignments, codeSourceHolder: string | null): NodeView {
  const hb = base.heartbeat
  const { tags, assignedRoles, roles } = membership(base, hb, fleet)
  return {
    id: base.id,
    name: base.name,
    state: base.state,
    liveness,
    roles,
    assignedRoles,
    detectedRoles: hb?.detectedRoles ?? {},
    tags,
    versions: hb?.versions ?? {},
    lastHeartbeat: base.lastHeartbeat,
    health: hb?.health ?? null,
    addrs: hb?.addrs ?? [],
    seq: base.seq,
    installAttempts: base.installAttempts,
    ...(base.lastError != null ? { lastError: base.lastError } : {}),
    isCodeSource: codeSourceHolder === base.id,
    codeSourceCandidate: hb?.codeSourceCandidate ?? false
  }
}
