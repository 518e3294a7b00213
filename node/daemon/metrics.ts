/**
 * Prometheus metrics on an optional localhost port. A private registry: @libp2p/prometheus-metrics
 * and other users of prom-client's global registry cannot clear ours (PITFALLS).
 */
import { createServer, type Server } from 'node:http'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export interface Traffic {
  since: number
  /** Our own gossip publishes (relays by gossipsub are not counted), by message kind. */
  gossipOut: Record<string, { messages: number, bytes: number }>
  /** Gossip accepted (each message once, after gossipsub dropped duplicates), by kind. */
  gossipIn: Record<string, { messages: number, bytes: number }>
  /** Anti-entropy answers we pulled. */
  syncPulled: { responses: number, bytes: number }
  /** Anti-entropy requests we answered. */
  syncServed: { requests: number, bytesIn: number, bytesOut: number }
}

function add (into: Record<string, { messages: number, bytes: number }>, kind: string, bytes: number): void {
  const t = into[kind] ?? (into[kind] = { messages: 0, bytes: 0 })
  t.messages++
  t.bytes += bytes
}

/** What the metrics read from the store at scrape time. */
export interface StoreGauges {
  /** LMDB file size in bytes. */
  size: () => number
  /** Write transactions committed since the store opened. */
  commits: () => number
}

const EVENT_LOOP_PRECISION_MS = 500

export class DaemonMetrics {
  readonly registry = new Registry()
  readonly messagesIn = new Counter({ name: 'slm_messages_in_total', help: 'gossip messages accepted, by kind', labelNames: ['kind'], registers: [this.registry] })
  readonly messagesOut = new Counter({ name: 'slm_messages_out_total', help: 'gossip messages published, by kind', labelNames: ['kind'], registers: [this.registry] })
  readonly bytesOut = new Counter({ name: 'slm_gossip_bytes_out_total', help: 'gossip bytes published', registers: [this.registry] })
  readonly rejections = new Counter({ name: 'slm_rejections_total', help: 'rejected inputs, by reason', labelNames: ['reason'], registers: [this.registry] })
  readonly gossipRepairs = new Counter({ name: 'slm_gossip_link_repairs_total', help: 'member links reopened because our gossip no longer reached them, by gap', labelNames: ['reason'], registers: [this.registry] })
  readonly peers = new Gauge({ name: 'slm_peers', help: 'connected peers', registers: [this.registry] })
  readonly syncPulls = new Counter({ name: 'slm_sync_pulls_total', help: 'anti-entropy exchanges, by result', labelNames: ['result'], registers: [this.registry] })
  readonly syncBytes = new Counter({ name: 'slm_sync_bytes_total', help: 'anti-entropy response bytes received', registers: [this.registry] })
  readonly syncItems = new Counter({ name: 'slm_sync_items_total', help: 'items stored from anti-entropy, by kind', labelNames: ['kind'], registers: [this.registry] })
  readonly heartbeatLag = new Histogram({ name: 'slm_heartbeat_lag_seconds', help: 'receive time minus the sender HLC of heartbeats', buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [this.registry] })
  /** Read at scrape time from the store the daemon attaches with `measureStore`. */
  private store: StoreGauges = { size: () => 0, commits: () => 0 }
  readonly storeBytes = new Gauge({
    name: 'slm_store_bytes',
    help: 'LMDB file size',
    registers: [this.registry],
    collect: () => { this.storeBytes.set(this.store.size()) }
  })
  private commitsCounted = 0
  readonly storeCommits = new Counter({
    name: 'slm_store_commits_total',
    help: 'LMDB write transactions committed (each one an fsync)',
    registers: [this.registry],
    collect: () => {
      const now = this.store.commits()
      if (now > this.commitsCounted) this.storeCommits.inc(now - this.commitsCounted)
      this.commitsCounted = now
    }
  })
  readonly commands = new Counter({ name: 'slm_commands_total', help: 'operator commands by result', labelNames: ['result'], registers: [this.registry] })

  /** Rejections by reason, for `slm status --json` and tests. */
  readonly rejectionCounts: Record<string, number> = {}
  /** Messages and bytes by direction and kind since start, for `slm status --json` (traffic models). */
  readonly traffic: Traffic = { since: Date.now(), gossipOut: {}, gossipIn: {}, syncPulled: { responses: 0, bytes: 0 }, syncServed: { requests: 0, bytesIn: 0, bytesOut: 0 } }
  private server?: Server

  constructor () {
    // Event-loop lag sampled every 500 ms, not prom-client's 10 ms: a timer firing 100 times a
    // second was an idle daemon's most frequent wake-up (strace: ~200 epoll waits/s).
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_PRECISION_MS })
  }

  measureStore (store: StoreGauges): void {
    this.store = store
  }

  gossipOut (kind: string, bytes: number): void {
    this.messagesOut.inc({ kind })
    this.bytesOut.inc(bytes)
    add(this.traffic.gossipOut, kind, bytes)
  }

  gossipIn (kind: string, bytes: number): void {
    this.messagesIn.inc({ kind })
    add(this.traffic.gossipIn, kind, bytes)
  }

  reject (reason: string): void {
    this.rejections.inc({ reason })
    this.rejectionCounts[reason] = (this.rejectionCounts[reason] ?? 0) + 1
  }

  async serve (port: number): Promise<void> {
    if (port === 0) return
    this.server = createServer((req, res) => {
      if (req.url !== '/metrics') { res.writeHead(404).end(); return }
      this.registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': this.registry.contentType }).end(text)
      }, () => { res.writeHead(500).end() })
    })
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject)
      this.server!.listen(port, '127.0.0.1', () => { resolve() })
    })
  }

  async stop (): Promise<void> {
    await new Promise<void>((resolve) => { this.server?.close(() => { resolve() }) ?? resolve() })
  }
}
