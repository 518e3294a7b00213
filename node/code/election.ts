/**
 * Code-source election (DESIGN "Code source"): pure. Candidates are alive members whose config
 * names a git repo. An operator pin wins while the pinned node is an alive candidate; otherwise
 * the best-ranked candidate (lowest node id) claims a lease with a new term and renews it in its
 * heartbeats. A higher term wins; equal terms go to the lower id (both claimed during a
 * partition); stale holders step down when they see it (fencing).
 */
import type { Lease } from '../../protocol/types.js'

export interface Candidate {
  id: string
  alive: boolean
  candidate: boolean
  /** The lease this node last announced in its heartbeat, if any. */
  lease?: Lease
}

export interface ElectionInput {
  self: string
  members: Candidate[]
  pin: string | null
  now: number
  leaseMs: number
  /** False right after start: we may not have heard the current holder yet. */
  settled: boolean
  /** Our own current lease (we may hold one nobody has echoed yet). */
  ownLease: Lease | null
}

export type ElectionAction =
  | { kind: 'claim', lease: Lease }
  | { kind: 'renew', lease: Lease }
  | { kind: 'release' }
  | { kind: 'none' }

export function leaseBeats (a: Lease, b: Lease): boolean {
  if (a.term !== b.term) return a.term > b.term
  return a.holder < b.holder
}

/** The winning valid lease: unexpired, held by an alive member (ourselves included). */
export function currentHolder (input: Pick<ElectionInput, 'members' | 'now' | 'self' | 'ownLease'>): Lease | null {
  let best: Lease | null = null
  const consider = (l: Lease | undefined | null, alive: boolean): void => {
    if (l == null || !alive || l.expiresAt <= input.now) return
    if (best == null || leaseBeats(l, best)) best = l
  }
  for (const m of input.members) {
    if (m.lease != null && m.lease.holder === m.id) consider(m.lease, m.alive || m.id === input.self)
  }
  consider(input.ownLease, true)
  return best
}

export function maxTerm (input: Pick<ElectionInput, 'members' | 'ownLease'>): number {
  let t = input.ownLease?.term ?? 0
  for (const m of input.members) t = Math.max(t, m.lease?.term ?? 0)
  return t
}

export function decide (input: ElectionInput): ElectionAction {
  const me = input.members.find(m => m.id === input.self)
  const amCandidate = me?.candidate === true
  const holder = currentHolder(input)
  const pinned = input.pin != null ? input.members.find(m => m.id === input.pin && m.candidate && (m.alive || m.id === input.self)) : undefined
  const iHold = holder != null && holder.holder === input.self
  const renewed = (term: number): Lease => ({ holder: input.self, term, expiresAt: input.now + input.leaseMs })

  if (!amCandidate) return input.ownLease != null ? { kind: 'release' } : { kind: 'none' }
  if (pinned != null) {
    if (pinned.id === input.self) return iHold ? { kind: 'renew', lease: renewed(holder.term) } : { kind: 'claim', lease: renewed(maxTerm(input) + 1) }
    return input.ownLease != null ? { kind: 'release' } : { kind: 'none' }
  }
  if (iHold) return { kind: 'renew', lease: renewed(holder.term) }
  if (input.ownLease != null) return { kind: 'release' } // a higher term exists: step down
  if (holder != null || !input.settled) return { kind: 'none' }
  const best = input.members.filter(m => m.candidate && (m.alive || m.id === input.self)).map(m => m.id).sort()[0]
  return best === input.self ? { kind: 'claim', lease: renewed(maxTerm(input) + 1) } : { kind: 'none' }
}
