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
import type { PeerId } from '@libp2p/interface'

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
 * Why a publish of ours would not reach a connected peer now, or undefined when it would.
 * gossipsub's flood publish sends to the peers that told us they subscribe to `topic` and score at
 * or above the publish threshold, and only over an outbound stream of ours. A connection alone is
 * not enough: a peer whose gossipsub stream failed to open or closed while the connection stayed
 * (gossipsub drops a peer on a read error and never opens its streams again on that connection),
 * or whose score fell (broken IWANT promises on a starved host), gets none of our messages, and
 * with lazy gossip off nothing else would bring them before anti-entropy.
 *  - `no-peer`: gossipsub does not know the peer (never added, or dropped after a stream error);
 *  - `no-stream`: no outbound stream of ours to it that we can write to;
 *  - `not-subscribed`: it never told us it subscribes to `topic`;
 *  - `low-score`: its score is below the publish threshold.
 */
export type GossipGap = 'no-peer' | 'no-stream' | 'not-subscribed' | 'low-score'

/** The gossipsub state the checks read (the exported GossipSub type hides it; the instance has it). */
interface GossipInternals {
  peers: Map<string, unknown>
  streamsOutbound: Map<string, { rawStream?: { status?: string, writeStatus?: string } }>
  topics: Map<string, Set<string>>
  score?: { score?: (id: string) => number }
  opts?: { scoreThresholds?: { publishThreshold?: number } }
}

function internalsOf (pubsub: GossipSub): GossipInternals {
  const g = pubsub as unknown as Partial<GossipInternals>
  if (!(g.peers instanceof Map) || !(g.streamsOutbound instanceof Map) || !(g.topics instanceof Map)) {
    throw new Error('@libp2p/gossipsub: peers/streamsOutbound/topics are gone; node/net/lazy-gossip.ts needs updating')
  }
  return g as GossipInternals
}

function gapIn (g: GossipInternals, topic: string, id: string): GossipGap | undefined {
  if (!g.peers.has(id)) return 'no-peer'
  // A stream whose writable end closed stays in gossipsub's map until the other end closes too.
  const out = g.streamsOutbound.get(id)?.rawStream
  if (out == null || (out.status ?? 'open') !== 'open' || (out.writeStatus ?? 'writable') !== 'writable') return 'no-stream'
  if (!(g.topics.get(topic)?.has(id) ?? false)) return 'not-subscribed'
  const threshold = g.opts?.scoreThresholds?.publishThreshold
  const score = g.score?.score?.(id)
  if (threshold != null && score != null && score < threshold) return 'low-score'
  return undefined
}

/** Why our publishes on `topic` do not reach peer `id` (see GossipGap), or undefined if they do. */
export function gossipGapOf (pubsub: GossipSub, topic: string, id: string): GossipGap | undefined {
  return gapIn(internalsOf(pubsub), topic, id)
}

/** Peers a publish of ours on `topic` reaches right now (no GossipGap). */
export function publishTargets (pubsub: GossipSub, topic: string): Set<string> {
  const g = internalsOf(pubsub)
  const out = new Set<string>()
  for (const id of g.topics.get(topic) ?? []) {
    if (gapIn(g, topic, id) == null) out.add(id)
  }
  return out
}

/** Whether IHAVE emission is on now. */
export function lazyGossipOn (pubsub: GossipSub): boolean {
  const opts = optsOf(pubsub)
  return opts.Dlazy > 0 || opts.gossipFactor > 0
}

/**
 * Test only: makes a gossip gap on a live connection the way gossipsub does by itself —
 * `read-error` takes the path of a failed read on the peer's stream (the peer is dropped and both
 * streams closed), `outbound` closes our outbound stream alone (as when it broke). The connection
 * stays open either way.
 */
export function breakGossipStreams (pubsub: GossipSub, peer: PeerId, how: 'read-error' | 'outbound'): void {
  const g = internalsOf(pubsub) as GossipInternals & { handlePeerReadStreamError?: (err: Error, peer: PeerId) => void }
  if (how === 'read-error') {
    if (typeof g.handlePeerReadStreamError !== 'function') throw new Error('@libp2p/gossipsub: handlePeerReadStreamError is gone')
    g.handlePeerReadStreamError(new Error('test: gossip stream read error'), peer)
    return
  }
  const stream = g.streamsOutbound.get(peer.toString()) as { close?: () => Promise<void> } | undefined
  if (typeof stream?.close !== 'function') throw new Error('no outbound gossip stream to that peer')
  void stream.close()
}
