/**
 * Public views built from the replica: node records plus observed liveness plus fleet registers
 * (assignments and tags are register entries that may name a node id, name, role or tag).
 */
import type { NodeView } from '../../protocol/control.js'
import type { DetectedRole, Heartbeat, Liveness, NodeState } from '../../protocol/types.js'
import { entryCovers } from '../commands/index.js'
import { effectiveRoles } from '../roles/index.js'
import type { Assignments } from '../store/index.js'

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
  const detected: Record<string, DetectedRole> = hb?.detectedRoles ?? {}
  const ownTags = hb?.tags ?? []
  // Tags first (role-scoped assignment may depend on tags), then assignments.
  const subject0 = { id: base.id, name: base.name, roles: [] as string[], tags: ownTags }
  const tags = [...new Set([...ownTags, ...fleet.tags.filter(t => entryCovers(t.entry, subject0)).map(t => t.name)])].sort()
  const detectedActive = Object.entries(detected).filter(([, d]) => d.status === 'active').map(([r]) => r)
  const subject = { id: base.id, name: base.name, roles: detectedActive, tags }
  const assigned = [...new Set(fleet.assign.filter(a => entryCovers(a.entry, subject)).map(a => a.name))].sort()
  return {
    id: base.id,
    name: base.name,
    state: base.state,
    liveness,
    roles: effectiveRoles(assigned, detected),
    assignedRoles: assigned,
    detectedRoles: detected,
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
