/**
 * Pure anti-entropy planning: given our digest and a peer's, what to pull. Pull-only: each side
 * runs the same plan against the other, so one exchange in each direction repairs both.
 */
import type { NodeId, SyncDigest } from '../../protocol/types.js'

export interface EventPull {
  origin: NodeId
  fromSeq: number
  /** true when the peer no longer holds what follows our max: take its retained tail as a snapshot. */
  snapshot: boolean
}

export interface SyncPlan {
  events: EventPull[]
  commands: boolean
  registers: boolean
}

export function planSync (local: SyncDigest, remote: SyncDigest): SyncPlan {
  const events: EventPull[] = []
  for (const [origin, r] of Object.entries(remote.origins)) {
    const l = local.origins[origin]
    const have = l?.max ?? 0
    if (r.max <= have) continue
    if (have + 1 < r.min) events.push({ origin, fromSeq: r.min, snapshot: true })
    else events.push({ origin, fromSeq: have + 1, snapshot: false })
  }
  return {
    events,
    commands: remote.commands.hash !== local.commands.hash && remote.commands.count > 0,
    registers: remote.registers.hash !== local.registers.hash && remote.registers.count > 0
  }
}

export function isEmptyPlan (p: SyncPlan): boolean {
  return p.events.length === 0 && !p.commands && !p.registers
}
