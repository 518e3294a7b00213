/**
 * Finding the fleet from one address (PITFALLS: one bootstrap is not discovery). Three sources:
 * the configured bootstrap peers (redialled with backoff while we have no connection), the
 * addresses each peer lists over /slm/peers/1.0.0 right after we connect, and the addresses carried
 * in heartbeats. Dials are bounded by maxConnections.
 *
 * Every member we ever learnt is remembered, and the ones we are not connected to are redialled a
 * few at a time with a backoff of their own: after a partition heals, the two sides hear nothing
 * of each other (no connection, so no heartbeat, no peer exchange), and only this brings them back
 * together (found by the chaos partition run, issue 8).
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { PeerId } from '@libp2p/interface'
import type { SlmLibp2p } from './host.js'
import { PEERS_PROTOCOL, DEFAULT_DIAL_TIMEOUT_MS } from './constants.js'
import { callRpc, handleRpc } from './rpc.js'
import { connectionRefused } from './refused.js'

export interface DiscoveryInit {
  bootstrap: Multiaddr[]
  maxConnections: number
  /** @default 1000 — first redial delay; doubles up to maxBackoffMs */
  minBackoffMs?: number
  /** @default 30000 */
  maxBackoffMs?: number
  /** @default 5000 — how often disconnected known members are redialled */
  redialIntervalMs?: number
  /** @default 4 — members redialled per round */
  redialBatch?: number
  /** @default 60000 — longest wait between redials of one member that keeps failing */
  maxRedialBackoffMs?: number
}

export interface DiscoveryComponents {
  node: SlmLibp2p
  onError: (reason: string, err: unknown) => void
}

interface PeerAddrs { id: string, addrs: string[] }

const MAX_LISTED = 256
/** Members remembered for redialling; beyond it, the least recently heard is forgotten. */
const MAX_KNOWN = 4096
/** A member lost again this soon after a probe is not probed again. */
const PROBE_GAP_MS = 5_000
/** Wait before a probe's second (and last) dial. */
const PROBE_RETRY_MS = 300

/**
 * What a dial to a member whose last connection just closed found: it is back (the link dropped,
 * the member did not), nothing listens at its addresses (its daemon is gone), or neither; or no
 * dial was made (probed moments ago, at maxConnections, stopping).
 */
export type ProbeResult = 'connected' | 'refused' | 'failed' | 'skipped'

interface Known { addrs: Multiaddr[], failures: number, nextAt: number, peer: PeerId, raw: string }

export class Discovery {
  private readonly init: DiscoveryInit
  private readonly c: DiscoveryComponents
  private timer?: NodeJS.Timeout
  private backoffMs: number
  private nextBootstrapAt = 0
  private readonly dialing = new Set<string>()
  /** Members we have heard of, by peer id, in the order last heard (Map keeps insertion order). */
  private readonly known = new Map<string, Known>()
  /** When each member was last probed (probe), oldest first. */
  private readonly probed = new Map<string, number>()
  private nextRedialAt = 0
  private stopped = true

  constructor (init: DiscoveryInit, components: DiscoveryComponents) {
    this.init = init
    this.c = components
    this.backoffMs = init.minBackoffMs ?? 1000
  }

  async start (): Promise<void> {
    this.stopped = false
    const { node } = this.c
    await handleRpc(node, PEERS_PROTOCOL, { maxRequestBytes: 1024, maxResponseBytes: 1 << 20, timeoutMs: 5000 }, async () => {
      return new TextEncoder().encode(JSON.stringify(await this.listPeers()))
    }, this.c.onError)
    node.addEventListener('peer:identify', (evt) => {
      void this.exchange(evt.detail.peerId)
    })
    // The tick sleeps through redial intervals while connected: losing the last connection is
    // what makes the bootstrap peers worth dialling at once.
    node.addEventListener('peer:disconnect', () => {
      if (!this.stopped && node.getConnections().length === 0) this.tick()
    })
    this.tick()
  }

  stop (): void {
    this.stopped = true
    clearTimeout(this.timer)
  }

  /** Called with addresses learnt from heartbeats and peer exchange. */
  learn (id: string, addrs: string[]): void {
    if (this.stopped || id === this.c.node.peerId.toString()) return
    const listed = addrs.slice(0, 16)
    const raw = listed.join(' ')
    const prev = this.known.get(id)
    let peer: PeerId
    let mas: Multiaddr[]
    if (prev?.raw === raw) {
      // Every heartbeat repeats the same addresses: parse them once.
      peer = prev.peer
      mas = prev.addrs
    } else {
      try { peer = peerIdFromString(id) } catch { return }
      mas = []
      for (const a of listed) {
        try { mas.push(multiaddr(a)) } catch {}
      }
      if (mas.length === 0) return
    }
    this.remember(id, peer, mas, raw)
    // Connected already is the common case (every heartbeat): a lookup by peer, where the total
    // count lists every connection.
    if (this.c.node.getConnections(peer).length > 0) return
    if (this.c.node.getConnections().length >= this.init.maxConnections) return
    this.dialKnown(id, peer, mas)
  }

  /**
   * Dials `id` now (twice at most) at the addresses its heartbeats gave (and identify's): whether it is gone
   * or only the link is (liveness.ts). Outside the redial backoff, which is for finding members,
   * not for telling a dead one from a live one; libp2p joins it to a dial already under way.
   * Not at maxConnections, and once per member per PROBE_GAP_MS: a link the connection manager
   * pruned must not turn into a dial-and-prune loop.
   */
  async probe (id: string, timeoutMs = DEFAULT_DIAL_TIMEOUT_MS): Promise<ProbeResult> {
    const now = Date.now()
    if (this.stopped || now - (this.probed.get(id) ?? -Infinity) < PROBE_GAP_MS) return 'skipped'
    if (this.c.node.getConnections().length >= this.init.maxConnections) return 'skipped'
    this.probed.delete(id)
    this.probed.set(id, now)
    if (this.probed.size > MAX_KNOWN) this.probed.delete(this.probed.keys().next().value as string)
    const k = this.known.get(id)
    const deadline = now + timeoutMs
    // A second try for an error that came fast: a dial that reached a dying process's listener in
    // the instant before it closed is reset, not refused.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.dialAt(k?.peer ?? peerIdFromString(id), k?.addrs ?? [], Math.max(1, deadline - Date.now()))
        return 'connected'
      } catch (err) {
        if (connectionRefused(err)) return 'refused'
        if (attempt > 0 || this.stopped || Date.now() + PROBE_RETRY_MS >= deadline) return 'failed'
      }
      await new Promise((resolve) => setTimeout(resolve, PROBE_RETRY_MS))
    }
  }

  /** Dials a member at the addresses we learnt for it (added to what identify told the peer store). */
  private async dialAt (peer: PeerId, addrs: Multiaddr[], timeoutMs: number): Promise<void> {
    if (addrs.length > 0) await this.c.node.peerStore.merge(peer, { multiaddrs: addrs })
    await this.c.node.dial(peer, { signal: AbortSignal.timeout(timeoutMs) })
  }

  /** Members we know and are not connected to (for tests and status). */
  disconnectedKnown (): string[] {
    return [...this.known].filter(([, k]) => this.c.node.getConnections(k.peer).length === 0).map(([id]) => id)
  }

  private remember (id: string, peer: PeerId, addrs: Multiaddr[], raw: string): void {
    const prev = this.known.get(id)
    this.known.delete(id)
    this.known.set(id, { addrs, failures: prev?.failures ?? 0, nextAt: prev?.nextAt ?? 0, peer, raw })
    if (this.known.size > MAX_KNOWN) this.known.delete(this.known.keys().next().value as string)
  }

  private dialKnown (id: string, peer: PeerId, mas: Multiaddr[]): void {
    void this.dial(id, async () => {
      await this.dialAt(peer, mas, DEFAULT_DIAL_TIMEOUT_MS)
      const k = this.known.get(id)
      if (k != null) { k.failures = 0; k.nextAt = 0 }
    }, () => {
      const k = this.known.get(id)
      if (k == null) return
      k.failures++
      const backoff = Math.min((this.init.minBackoffMs ?? 1000) * 2 ** k.failures, this.init.maxRedialBackoffMs ?? 60_000)
      k.nextAt = Date.now() + backoff * (0.75 + Math.random() * 0.5)
    })
  }

  /** A few known members we are not connected to, each when its own backoff allows. */
  private redial (now: number): void {
    let budget = Math.min(this.init.redialBatch ?? 4, this.init.maxConnections - this.c.node.getConnections().length)
    for (const [id, k] of this.known) {
      if (budget <= 0) break
      if (k.nextAt > now || this.dialing.has(id)) continue
      if (this.c.node.getConnections(k.peer).length > 0) continue
      budget--
      this.dialKnown(id, k.peer, k.addrs)
    }
  }

  /** Our connected peers with the listen addresses identify told us (not ephemeral remote ports). */
  private async listPeers (): Promise<PeerAddrs[]> {
    const out: PeerAddrs[] = []
    const seen = new Set<string>()
    for (const conn of this.c.node.getConnections()) {
      if (out.length >= MAX_LISTED) break
      const id = conn.remotePeer.toString()
      if (seen.has(id)) continue
      seen.add(id)
      const addrs = await this.addrsOf(id)
      if (addrs.length > 0) out.push({ id, addrs })
    }
    return out
  }

  private async exchange (peer: PeerId): Promise<void> {
    try {
      const res = await callRpc(this.c.node, peer, PEERS_PROTOCOL, new Uint8Array([1]), { maxRequestBytes: 1024, maxResponseBytes: 1 << 20, timeoutMs: 5000 })
      const list = JSON.parse(new TextDecoder().decode(res)) as PeerAddrs[]
      if (!Array.isArray(list)) return
      for (const p of list.slice(0, MAX_LISTED)) {
        if (typeof p?.id !== 'string' || !Array.isArray(p.addrs)) continue
        this.learn(p.id, p.addrs.filter((a): a is string => typeof a === 'string'))
      }
    } catch (err) {
      this.c.onError('peer_exchange', err)
    }
  }

  private async addrsOf (id: string): Promise<string[]> {
    try {
      const peer = await this.c.node.peerStore.get(peerIdFromString(id))
      return peer.addresses.map(a => a.multiaddr.toString())
    } catch {
      return []
    }
  }

  private async dial (key: string, fn: () => Promise<void>, onFail?: () => void): Promise<void> {
    if (this.dialing.has(key)) return
    this.dialing.add(key)
    try {
      await fn()
    } catch (err) {
      onFail?.()
      this.c.onError('dial', err)
    } finally {
      this.dialing.delete(key)
    }
  }

  private tick (): void {
    clearTimeout(this.timer)
    if (this.stopped) return
    const now = Date.now()
    const connected = this.c.node.getConnections().length > 0
    if (connected) {
      this.backoffMs = this.init.minBackoffMs ?? 1000
      this.nextBootstrapAt = 0
    } else if (now >= this.nextBootstrapAt && this.init.bootstrap.length > 0) {
      for (const ma of this.init.bootstrap) {
        void this.dial(ma.toString(), async () => {
          await this.c.node.dial(ma, { signal: AbortSignal.timeout(DEFAULT_DIAL_TIMEOUT_MS) })
        })
      }
      this.nextBootstrapAt = now + this.backoffMs
      this.backoffMs = Math.min(this.backoffMs * 2, this.init.maxBackoffMs ?? 30_000)
    }
    if (now >= this.nextRedialAt) {
      const every = this.init.redialIntervalMs ?? 5000
      this.nextRedialAt = now + every * (0.75 + Math.random() * 0.5)
      this.redial(now)
    }
    // Connected: nothing to do before the next redial round. Not connected: the bootstrap backoff
    // (a second or more) is checked once a second.
    const untilRedial = this.nextRedialAt - now
    this.timer = setTimeout(() => { this.tick() }, Math.max(10, connected ? untilRedial : Math.min(1000, untilRedial)))
    this.timer.unref()
  }
}
