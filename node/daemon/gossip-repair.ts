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
 * A gap is repaired once it has lasted GOSSIP_REPAIR_AFTER_MS (streams open within milliseconds
 * of a connection; a member still starting gets that long), and a member repaired before waits a
 * growing backoff first, so a member whose gossip is broken for good is not redialled in a loop.
 * A low score is not a stream gap: the score outlives a reconnect (gossipsub retains it for an
 * hour), so the caller leaves those out.
 */

/** The journal line of a reopened link (tests and the fleet bench count it). */
export const GOSSIP_REPAIR_LOG = 'reopening a member link our gossip no longer reaches'
/** How long a connected member must stay unreached by our gossip before its link is reopened. */
export const GOSSIP_REPAIR_AFTER_MS = 10_000
/** Wait before a second repair of the same member; doubled for each further one... */
export const GOSSIP_REPAIR_BACKOFF_MS = 30_000
/** ...up to this. */
export const GOSSIP_REPAIR_BACKOFF_MAX_MS = 10 * 60_000

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

  /**
   * Given the connected members our gossip does not reach now (`gaps`), returns those whose link
   * is due to be reopened, and counts the repair. Members not in `gaps` have no gap now.
   */
  due (now: number, gaps: Iterable<string>): string[] {
    const current = new Set(gaps)
    const out: string[] = []
    for (const [id, s] of this.states) {
      if (current.has(id)) continue
      s.since = undefined
      // A member repaired long ago with no gap since is forgotten: its next gap starts afresh.
      if (now - s.lastRepairAt >= GOSSIP_REPAIR_BACKOFF_MAX_MS) this.states.delete(id)
    }
    for (const id of current) {
      let s = this.states.get(id)
      if (s == null) this.states.set(id, s = { repairs: 0, lastRepairAt: -Infinity })
      s.since ??= now
      if (now - s.since < GOSSIP_REPAIR_AFTER_MS || now - s.lastRepairAt < repairBackoffMs(s.repairs)) continue
      s.repairs++
      s.lastRepairAt = now
      s.since = undefined
      out.push(id)
    }
    return out
  }

}
