/**
 * Anti-entropy over /slm/sync/1.0.0 (DESIGN "Replication"): gossip is the fast path; this is the
 * guarantee. On every new connection and every syncInterval with one random peer we exchange
 * digests and pull what we lack in bounded batches; events are verified against their origin's
 * key before they are stored, whoever relays them.
 */
import type { PeerId } from '@libp2p/interface'
import { decodeSyncRequest, decodeSyncResponse, encodeSyncRequest, encodeSyncResponse, MAX_SYNC_RESPONSE_BYTES } from '../../protocol/codec.js'
import { LIMITS } from '../../protocol/schema.js'
import { nodePublicKeyFromId, verifyEvent } from '../../protocol/sign.js'
import { PROTOCOL_VERSION, type NodeEvent, type SyncRequest, type SyncResponse } from '../../protocol/types.js'
import { callRpc, handleRpc } from '../net/rpc.js'
import { SYNC_PROTOCOL } from '../net/constants.js'
import type { SlmLibp2p } from '../net/host.js'
import { planSync, isEmptyPlan } from './plan.js'
import type { CommandSink, SyncStore } from './types.js'

export interface AntiEntropyInit {
  intervalMs: number
  /** @default 500 — events per pulled batch */
  batchSize?: number
  /** @default 200 — batches per origin per exchange, so one exchange is bounded */
  maxBatches?: number
}

export interface AntiEntropyComponents {
  node: SlmLibp2p
  store: SyncStore
  onCommand: CommandSink
  onReject: (reason: string) => void
  onPulled: (kind: 'events' | 'commands', count: number, bytes: number) => void
  /** Once per exchange this node started, with how it ended. */
  onExchanged?: (result: 'ok' | 'error') => void
  /** A request we answered: its size and our answer's. */
  onServed?: (requestBytes: number, responseBytes: number) => void
  onError: (where: string, err: unknown) => void
}

const RPC = { maxRequestBytes: 4 * 1024 * 1024, maxResponseBytes: MAX_SYNC_RESPONSE_BYTES, timeoutMs: 15_000 }

export class AntiEntropy {
  private readonly init: AntiEntropyInit
  private readonly c: AntiEntropyComponents
  private timer?: NodeJS.Timeout
  private readonly running = new Map<string, Promise<void>>()
  private readonly again = new Set<string>()
  private stopped = true

  constructor (init: AntiEntropyInit, components: AntiEntropyComponents) {
    this.init = init
    this.c = components
  }

  async start (): Promise<void> {
    this.stopped = false
    await handleRpc(this.c.node, SYNC_PROTOCOL, RPC, async (req) => {
      const res = encodeSyncResponse(this.answer(req))
      this.c.onServed?.(req.byteLength, res.byteLength)
      return res
    }, (r, e) => { this.c.onError(r, e) })
    this.c.node.addEventListener('peer:identify', (evt) => {
      if (evt.detail.protocols.includes(SYNC_PROTOCOL)) this.syncWith(evt.detail.peerId)
    })
    const loop = (): void => {
      if (this.stopped) return
      const conns = this.c.node.getConnections()
      if (conns.length > 0) this.syncWith(conns[Math.floor(Math.random() * conns.length)].remotePeer)
      this.timer = setTimeout(loop, this.init.intervalMs * (0.75 + Math.random() * 0.5))
      this.timer.unref()
    }
    this.timer = setTimeout(loop, this.init.intervalMs)
    this.timer.unref()
  }

  stop (): void {
    this.stopped = true
    clearTimeout(this.timer)
  }

  /** Runs one exchange with `peer` unless one is running; a request during a run queues one more. */
  syncWith (peer: PeerId): void {
    const key = peer.toString()
    if (this.stopped) return
    if (this.running.has(key)) { this.again.add(key); return }
    const run = this.exchange(peer)
      .then(() => { this.c.onExchanged?.('ok') }, (err) => {
        this.c.onExchanged?.('error')
        this.c.onError('sync', err)
      })
      .finally(() => {
        this.running.delete(key)
        if (this.again.delete(key)) this.syncWith(peer)
      })
    this.running.set(key, run)
  }

  /** Answers a peer's request from our replica (server side). Bad bytes get an error response. */
  answer (bytes: Uint8Array): SyncResponse {
    let req: SyncRequest
    try {
      req = decodeSyncRequest(bytes)
    } catch (err: any) {
      this.c.onReject('sync_malformed')
      // Clipped to what the response schema allows: an answer we cannot encode would only abort the stream.
      const code = typeof err?.code === 'string' ? err.code.slice(0, 64) : 'ERR_DECODE'
      return { v: PROTOCOL_VERSION, kind: 'error', code, message: String(err?.message ?? err).slice(0, LIMITS.comment) }
    }
    const batch = this.init.batchSize ?? 500
    switch (req.kind) {
      case 'digest':
        return { v: PROTOCOL_VERSION, kind: 'digest', digest: this.c.store.syncDigest() }
      case 'events': {
        const limit = Math.min(req.limit, batch)
        const events = this.c.store.eventsFrom(req.origin, req.fromSeq, limit + 1)
        return { v: PROTOCOL_VERSION, kind: 'events', events: events.slice(0, limit), more: events.length > limit }
      }
      case 'commands': {
        const { commands, more } = this.c.store.commandsExcept(new Set(req.have), Math.min(req.limit, batch))
        return { v: PROTOCOL_VERSION, kind: 'commands', commands, more }
      }
      case 'registers':
        return { v: PROTOCOL_VERSION, kind: 'registers', registers: [], more: false }
    }
  }

  private async call (peer: PeerId, req: SyncRequest): Promise<SyncResponse> {
    const bytes = await callRpc(this.c.node, peer, SYNC_PROTOCOL, encodeSyncRequest(req), RPC)
    const res = decodeSyncResponse(bytes)
    if (res.kind === 'error') throw new Error(`peer answered ${res.code}: ${res.message}`)
    this.c.onPulled(req.kind === 'commands' ? 'commands' : 'events', 0, bytes.byteLength)
    return res
  }

  private async exchange (peer: PeerId): Promise<void> {
    const res = await this.call(peer, { v: PROTOCOL_VERSION, kind: 'digest', digest: this.c.store.syncDigest() })
    if (res.kind !== 'digest') return
    const plan = planSync(this.c.store.syncDigest(), res.digest)
    if (isEmptyPlan(plan)) return
    if (plan.commands || plan.registers) await this.pullCommands(peer)
    for (const pull of plan.events) await this.pullEvents(peer, pull.origin, pull.fromSeq, pull.snapshot)
  }

  private async pullEvents (peer: PeerId, origin: string, fromSeq: number, snapshot: boolean): Promise<void> {
    const batch = this.init.batchSize ?? 500
    let key: Uint8Array
    try { key = nodePublicKeyFromId(origin) } catch { this.c.onReject('sync_bad_origin'); return }
    let next = fromSeq
    let first = snapshot
    for (let i = 0; i < (this.init.maxBatches ?? 200) && !this.stopped; i++) {
      const res = await this.call(peer, { v: PROTOCOL_VERSION, kind: 'events', origin, fromSeq: next, limit: batch })
      if (res.kind !== 'events' || res.events.length === 0) return
      const good: NodeEvent[] = []
      for (const e of res.events) {
        if (e.origin !== origin) { this.c.onReject('sync_origin_mismatch'); return }
        try { verifyEvent(e, key) } catch { this.c.onReject('sync_bad_event_signature'); return }
        good.push(e)
      }
      const { stored } = await this.c.store.ingestEvents(good, { snapshot: first })
      this.c.onPulled('events', stored, 0)
      first = false
      next = good[good.length - 1].seq + 1
      if (!res.more) return
    }
  }

  private async pullCommands (peer: PeerId): Promise<void> {
    // Commands we could not accept (yet) still count as offered, so one exchange never loops on them.
    const offered = new Set<string>()
    for (let i = 0; i < (this.init.maxBatches ?? 200) && !this.stopped; i++) {
      const have = [...this.c.store.commandIds(), ...offered]
      const res = await this.call(peer, { v: PROTOCOL_VERSION, kind: 'commands', have, limit: this.init.batchSize ?? 500 })
      if (res.kind !== 'commands') return
      // In issue order, so node-scoped commands apply here in the order operators gave them;
      // their storage runs concurrently (see CommandProcessor.receive).
      const batch = [...res.commands].sort((a, b) => a.issuedAt < b.issuedAt ? -1 : a.issuedAt > b.issuedAt ? 1 : a.id < b.id ? -1 : 1)
      for (const cmd of batch) offered.add(cmd.id)
      await Promise.all(batch.map(async cmd => { await this.c.onCommand(cmd, peer.toString()) }))
      this.c.onPulled('commands', res.commands.length, 0)
      if (!res.more || res.commands.length === 0) return
    }
  }
}
