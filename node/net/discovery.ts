/**
 * Finding the fleet from one address (PITFALLS: one bootstrap is not discovery). Three sources:
 * the configured bootstrap peers (redialled with backoff while we have no connection), the
 * addresses each peer lists over /slm/peers/1.0.0 right after we connect, and the addresses carried
 * in heartbeats. Known members we have no connection to are redialled with a per-peer backoff at
 * their last heartbeat addresses: without that a healed partition stays split (each side only
 * hears heartbeats from its own side, so nothing else makes it dial across). Dials are bounded by
 * maxConnections.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { PeerId } from '@libp2p/interface'
import type { SlmLibp2p } from './host.js'
import { PEERS_PROTOCOL, DEFAULT_DIAL_TIMEOUT_MS } from './constants.js'
import { callRpc, handleRpc } from './rpc.js'

export interface DiscoveryInit {
  bootstrap: Multiaddr[]
  maxConnections: number
  /** @default 1000 — first redial delay; doubles up to maxBackoffMs */
  minBackoffMs?: number
  /** @default 30000 */
  maxBackoffMs?: number
}

export interface DiscoveryComponents {
  node: SlmLibp2p
  onError: (reason: string, err: unknown) => void
  /** Members we know of (not retired) with their last heartbeat addresses, redialled while disconnected. */
  known?: () => PeerAddrs[]
}

export interface PeerAddrs { id: string, addrs: string[] }

/** Per-peer redial backoff: doubles on every attempt while the peer stays disconnected. */
interface Redial { at: number, backoffMs: number }

const MAX_LISTED = 256

export class Discovery {
  private readonly init: DiscoveryInit
  private readonly c: DiscoveryComponents
  private timer?: NodeJS.Timeout
  private backoffMs: number
  private nextBootstrapAt = 0
  private readonly dialing = new Set<string>()
  private readonly redials = new Map<string, Redial>()
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
    this.tick()
  }

  stop (): void {
    this.stopped = true
    clearTimeout(this.timer)
  }

  /** Called with addresses learnt from heartbeats. */
  learn (id: string, addrs: string[]): void {
    this.dialPeer(id, addrs)
  }

  /** Dials `id` at `addrs` unless it is us, already connected or being dialled; false if skipped. */
  private dialPeer (id: string, addrs: string[]): boolean {
    if (this.stopped || id === this.c.node.peerId.toString()) return false
    if (this.c.node.getConnections().length >= this.init.maxConnections) return false
    let peer: PeerId
    try { peer = peerIdFromString(id) } catch { return false }
    if (this.c.node.getConnections(peer).length > 0 || this.dialing.has(id)) return false
    const mas: Multiaddr[] = []
    for (const a of addrs.slice(0, 16)) {
      try { mas.push(multiaddr(a)) } catch {}
    }
    if (mas.length === 0) return false
    void this.dial(id, async () => {
      await this.c.node.peerStore.merge(peer, { multiaddrs: mas })
      await this.c.node.dial(peer, { signal: AbortSignal.timeout(DEFAULT_DIAL_TIMEOUT_MS) })
    })
    return true
  }

  /** Redials known members we have no connection to, each on its own backoff. */
  private redialKnown (now: number): void {
    const known = this.c.known?.() ?? []
    const min = this.init.minBackoffMs ?? 1000
    const seen = new Set<string>()
    for (const { id, addrs } of known) {
      seen.add(id)
      let connected = false
      try { connected = this.c.node.getConnections(peerIdFromString(id)).length > 0 } catch { continue }
      const r = this.redials.get(id)
      if (connected) { this.redials.delete(id); continue }
      if (r != null && now < r.at) continue
      if (!this.dialPeer(id, addrs)) continue
      const backoffMs = r == null ? min : Math.min(r.backoffMs * 2, this.init.maxBackoffMs ?? 30_000)
      this.redials.set(id, { at: now + backoffMs, backoffMs })
    }
    for (const id of this.redials.keys()) if (!seen.has(id)) this.redials.delete(id)
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

  private async dial (key: string, fn: () => Promise<void>): Promise<void> {
    if (this.dialing.has(key)) return
    this.dialing.add(key)
    try { await fn() } catch (err) { this.c.onError('dial', err) } finally { this.dialing.delete(key) }
  }

  private tick (): void {
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
    try { this.redialKnown(now) } catch (err) { this.c.onError('redial', err) }
    this.timer = setTimeout(() => { this.tick() }, 500)
    this.timer.unref()
  }
}
