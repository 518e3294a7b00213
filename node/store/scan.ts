/**
 * Full scans: the replica digest recomputed from every stored item (what tests and audits compare
 * the incremental digest with; it re-hashes each item instead of trusting stored hashes), and the
 * statistics of the predecessor's `get_statistics` (nodes by state and by role, roles, transitions).
 */
import { SetDigest, itemHash, type ReplicaDigests } from './digest.js'
import type { Dbs } from './open.js'
import type { ReplicaState } from './state.js'
import type { NodeRecord, StoreStats } from './types.js'

export function recompute (dbs: Dbs): ReplicaDigests {
  const d: ReplicaDigests = { events: new SetDigest(), commands: new SetDigest(), registers: new SetDigest() }
  for (const { value } of dbs.events.getRange()) d.events.add(itemHash(value.e))
  for (const { value } of dbs.commands.getRange()) d.commands.add(itemHash(value))
  for (const { value } of dbs.registers.getRange()) d.registers.add(itemHash(value))
  return d
}

export function statistics (nodes: NodeRecord[], roleCount: number, state: ReplicaState): StoreStats {
  const byState: Record<string, number> = {}
  const byRole: Record<string, number> = {}
  let transitions = 0
  for (const n of nodes) {
    byState[n.state] = (byState[n.state] ?? 0) + 1
    transitions += n.transitions
    for (const role of n.roles) byRole[role] = (byRole[role] ?? 0) + 1
  }
  let events = 0
  for (const h of state.heads.values()) events += h.max - h.min + 1
  return {
    nodes: nodes.length,
    byState,
    byRole,
    roles: roleCount,
    transitions,
    events,
    commands: state.digests.commands.count,
    registers: state.digests.registers.count
  }
}
