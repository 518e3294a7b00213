/**
 * When to reopen a member link that our gossip no longer reaches.
 *
 * A connection can outlive its gossipsub streams: gossipsub drops a peer on a stream read error
 * and never opens streams on that connection again, and an outbound stream that failed to open
 * (the member was frozen or starved at the time) is not retried. The member stays connected, so
 * discovery leaves it alone, yet none of our publishes reach it and lazy gossip stays on across
 * the fleet for as long as the connection lives. Closing the connection lets the redial open a
 * fresh one with fresh streams.
 *
 * A gap is repaired once it has lasted `afterMs` (config gossipRepairAfterMs, a minute by
 * default). Not sooner: gossipsub opens its streams one peer at a time, each a round trip, so a
 * daemon that has just connected to many busy members (a whole fleet starting on a small host)
 * has gaps for tens of seconds that close by themselves, and reopening those links only added
 * handshakes to a starved host (50 daemons on 2 cores with 10 s: 690 reconnects, a minute
 * longer to converge). A daemon also reopens at most one link per GOSSIP_REPAIR_SPACING_MS, and a
 * member repaired before waits a growing backoff, so a member whose gossip is broken for good is
 * not redialled in a loop. A low score is not a stream gap: the score outlives a reconnect
 * (gossipsub retains it for an hour), so the caller leaves those out.
 */

/** The journal line of a reopened link (tests and the fleet bench count it). */
export const GOSSIP_REPAIR_LOG = 'reopening a member link our gossip no longer reaches'
/** At most one link reopened per this long, whatever the member. */
export const GOSSIP_REPAIR_SPACING_MS = 10_000
/** Wait before a second repair of the same member; doubled for each further one... */
export const GOSSIP_REPAIR_BACKOFF_MS = 60_000
/** ...up to this. */
export const GOSSIP_REPAIR_BACKOFF_MAX_MS = 30 * 60_000

interface GapState {
  /** When the current gap was first seen, or undefined while there is none. */
  since?: number
  repairs: number
  lastRepairAt: number
}

/** Time a member repaired `repairs` times waits after its last repair before the next. */
export function repairBackoffMs (repairs: number): number {
  if (repairs <= 0) return 0
  return Math.min(GOSSIP_REPAIR_BACKOFF_MS * 2 ** (repairs - 1), GOSSIP_REPAIR_BACKOFF_MAX_MS)
}

export class GossipRepair {
  private readonly states = new Map<string, GapState>()
  private lastRepairAt = -Infinity

  /**
   * Given the connected members our gossip does not reach now (`gaps`), returns the one whose
   * link is due to be reopened (the longest gap first), if any, and counts the repair. Members
   * not in `gaps` have no gap now. `afterMs` 0: never.
   */
  due (now: number, gaps: Iterable<string>, afterMs: number): string | undefined {
    if (afterMs <= 0) return undefined
    const current = new Set(gaps)
    for (const [id, s] of this.states) {
      if (current.has(id)) continue
      s.since = undefined
      // A member with no gap and no repair for a long while is forgotten: its next gap starts afresh.
      if (now - s.lastRepairAt >= GOSSIP_REPAIR_BACKOFF_MAX_MS) this.states.delete(id)
    }
    let pick: [string, GapState] | undefined
    for (const id of current) {
      let s = this.states.get(id)
      if (s == null) this.states.set(id, s = { repairs: 0, lastRepairAt: -Infinity })
      s.since ??= now
      if (now - s.since < afterMs || now - s.lastRepairAt < repairBackoffMs(s.repairs)) continue
      if (pick == null || (s.since < (pick[1].since as number))) pick = [id, s]
    }
    if (pick == null || now - this.lastRepairAt < GOSSIP_REPAIR_SPACING_MS) return undefined
    const [id, s] = pick
    s.repairs++
    s.lastRepairAt = this.lastRepairAt = now
    s.since = undefined
    return id
  }
}
