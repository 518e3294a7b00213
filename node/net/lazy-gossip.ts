/**
 * Lazy gossip (gossipsub's IHAVE/IWANT) only while some member could need it.
 *
 * With no mesh (host.ts), a message goes straight from its origin to every peer the origin is
 * connected to. Lazy gossip is how it reaches the others: each gossipsub heartbeat (1 s) a few
 * peers are told the ids we hold and ask for what they lack. In a fleet where every member is
 * connected to every other (up to maxConnections, the steady state that discovery keeps), nobody
 * lacks anything, yet the IHAVEs went out every second anyway: at 30 daemons with 30 s heartbeats
 * they were a third of an idle daemon's CPU.
 *
 * So each heartbeat says how many members its sender heard from lately but does not reach with
 * its own publishes (no connection, or no gossip stream on it: publishTargets) (`unconnected`),
 * and lazy gossip is on while that is above zero for us or for any
 * live member we hear (or a member does not say: an older daemon). A node that loses a connection
 * says so in its next heartbeat and the fleet turns lazy gossip back on within one interval;
 * anti-entropy stays the guarantee for events and commands.
 */
import type { GossipSub } from '@libp2p/gossipsub'

/** Peers told our message ids (IHAVE) each gossipsub heartbeat when on: at least this many... */
export const GOSSIP_LAZY_PEERS = 3
/** ...or this share of our peers, when that is more (a 128-peer node tells 13). */
export const GOSSIP_FACTOR = 0.1

/**
 * True when some member may be missing messages that only lazy gossip would bring: we lack a
 * connection ourselves (`own` > 0), or a live member reported one (or reported nothing).
 */
export function lazyGossipNeeded (own: number, reported: Iterable<number | undefined>): boolean {
  if (own > 0) return true
  for (const r of reported) if (r === undefined || r > 0) return true
  return false
}

/** The two options gossipsub reads at each heartbeat to pick IHAVE targets (its public `opts`). */
interface GossipOpts { Dlazy: number, gossipFactor: number }

// The package's exported GossipSub type is an interface without `opts`; the instance has it.
function optsOf (pubsub: GossipSub): GossipOpts {
  const opts = (pubsub as unknown as { opts?: GossipOpts }).opts
  if (typeof opts?.Dlazy !== 'number' || typeof opts.gossipFactor !== 'number') throw new Error('@libp2p/gossipsub: opts.Dlazy/gossipFactor are gone; node/net/lazy-gossip.ts needs updating')
  return opts
}

/** Turns gossipsub's IHAVE emission on or off; read by gossipsub at each of its heartbeats. */
export function setLazyGossip (pubsub: GossipSub, on: boolean): void {
  const opts = optsOf(pubsub)
  opts.Dlazy = on ? GOSSIP_LAZY_PEERS : 0
  opts.gossipFactor = on ? GOSSIP_FACTOR : 0
}

/**
 * Peers a publish of ours reaches right now: subscribed to `topic` (their gossipsub stream is up
 * and told us) and scored at or above the publish threshold, which is what gossipsub's flood
 * publish checks. A connection alone is not enough: a member whose gossipsub stream failed to
 * open, or whose score fell (broken IWANT promises on a starved host), is connected yet gets none
 * of our messages, and with lazy gossip off nothing else would bring them before anti-entropy.
 */
export function publishTargets (pubsub: GossipSub, topic: string): Set<string> {
  const internals = pubsub as unknown as { score?: { score?: (id: string) => number }, opts?: { scoreThresholds?: { publishThreshold?: number } } }
  const threshold = internals.opts?.scoreThresholds?.publishThreshold
  const scoreOf = internals.score?.score?.bind(internals.score)
  const out = new Set<string>()
  for (const peer of pubsub.getSubscribers(topic)) {
    const id = peer.toString()
    if (scoreOf != null && threshold != null && scoreOf(id) < threshold) continue
    out.add(id)
  }
  return out
}

/** Whether IHAVE emission is on now. */
export function lazyGossipOn (pubsub: GossipSub): boolean {
  const opts = optsOf(pubsub)
  return opts.Dlazy > 0 || opts.gossipFactor > 0
}
