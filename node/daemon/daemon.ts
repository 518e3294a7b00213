/**
 * The daemon: assembles identity, store, libp2p host, gossip, discovery, anti-entropy, liveness,
 * health, heartbeats, commands and the control socket, and owns their start/stop order.
 * Construction has no side effects; `start()` opens everything, `stop()` flushes and leaves.
 */
import { join } from 'node:path'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { HybridClock } from '../../protocol/hlc.js'
import { signEvent } from '../../protocol/sign.js'
import { CONTROL_SOCKET_NAME, type NodeView, type ReplicaChange } from '../../protocol/control.js'
import { PROTOCOL_VERSION, type CommandEnvelope, type GossipMessage, type Heartbeat, type NodeEvent } from '../../protocol/types.js'
import type { DaemonConfig } from '../config/index.js'
import { CommandProcessor } from '../commands/index.js'
import { createControlServer, type ControlServer } from '../control/index.js'
import { createHealthCollector, type HealthCollector } from '../health/index.js'
import { loadFleetKey, loadNodeKey, readInitSeed } from '../identity/index.js'
import { createHost, Discovery, Gossip, parseBootstrap, type SlmLibp2p } from '../net/index.js'
import { defaultRoles } from '../roles/index.js'
import { createStore, type Store } from '../store/index.js'
import { AntiEntropy } from '../sync/index.js'
import { controlHandlers } from './control-api.js'
import { nodeViewOf } from './fleet-view.js'
import { createLogger, type Logger } from './logger.js'
import { DaemonMetrics } from './metrics.js'
import { PeerTracker } from './peers.js'
import { SelfLifecycle } from './self.js'
import { applyNodeAction } from './actions.js'
import { commandStoreOf, syncStoreOf } from './adapters.js'
import { Reconciler } from './reconcile.js'
import { CodeManager } from '../code/index.js'
import { allEvents } from './audit.js'
import { packageVersion } from '../cli/version.js'

export interface DaemonOptions {
  logger?: Logger
  /** Called once the daemon serves (systemd readiness). */
  onReady?: () => void
}

export class Daemon {
  readonly config: DaemonConfig
  readonly log: Logger
  readonly metrics = new DaemonMetrics()
  readonly clock = new HybridClock()
  readonly startedAt = Date.now()
  readonly version = packageVersion()
  node!: SlmLibp2p
  store!: Store
  health!: HealthCollector
  peers!: PeerTracker
  gossip!: Gossip
  discovery!: Discovery
  sync!: AntiEntropy
  commands!: CommandProcessor
  self!: SelfLifecycle
  reconciler!: Reconciler
  code!: CodeManager
  private control?: ControlServer
  private heartbeatTimer?: NodeJS.Timeout
  private readonly listeners = new Set<(c: ReplicaChange) => void>()
  private readonly opts: DaemonOptions
  private stopping = false
  /** Test-only partition: peers whose traffic we drop (set through the control socket). */
  readonly blocked = new Set<string>()

  constructor (config: DaemonConfig, opts: DaemonOptions = {}) {
    this.config = config
    this.opts = opts
    this.log = opts.logger ?? createLogger(config.log.level, config.name)
  }

  get id (): string {
    return this.node.peerId.toString()
  }

  async start (): Promise<void> {
    const { config } = this
    const { privateKey } = await loadNodeKey(config.dir)
    const fleetKey = await loadFleetKey(config.fleetKeyFile)
    const seed = await readInitSeed(config.dir)
    const sign = (await import('./signer.js')).nodeSigner(privateKey)
    this.node = await createHost({
      privateKey,
      fleetKey,
      listen: config.listen,
      allow: config.allow.length > 0 ? ['/ip4/127.0.0.0/ipcidr/8', ...config.allow] : undefined,
      maxConnections: config.maxConnections,
      isBlocked: (peer) => this.blocked.has(peer)
    })
    const localId = this.node.peerId.toString()
    this.store = createStore({
      path: join(config.dir, 'store'),
      retention: { maxEventsPerOrigin: config.retentionEventsPerOrigin },
      defaultRoles: defaultRoles(),
      // Admins named at `slm init` (Ansible seeds the same keys everywhere), at HLC zero so any
      // signed trust command overrides them.
      bootstrapTrust: (seed?.adminPubkeys ?? []).map((key, i) => ({ key, name: `admin${i === 0 ? '' : String(i + 1)}`, role: 'admin' as const }))
    }, {
      clock: this.clock,
      localId,
      sign: (unsigned) => signEvent(unsigned, sign)
    })
    await this.store.start()
    this.store.onChange((change) => {
      if (change.kind === 'event' && change.event != null) this.code?.onEvent(change.event)
      this.emitChange(change)
    })

    this.self = new SelfLifecycle({
      append: async (type, body) => await this.store.appendLocal(type, body),
      state: () => this.store.getNode(localId)?.state ?? 'discovered',
      publish: (event) => { this.publish({ v: PROTOCOL_VERSION, kind: 'event', event }) }
    })

    this.peers = new PeerTracker({
      suspectMultiplier: config.suspectMultiplier,
      unreachableMultiplier: config.unreachableMultiplier
    }, {
      heartbeatOf: (id) => {
        const n = this.store.getNode(id)
        return { at: n?.lastHeartbeat ?? null, intervalMs: n?.heartbeat?.intervalMs ?? config.heartbeatIntervalMs }
      },
      knownIds: () => this.store.listNodes().map(n => n.id).filter(id => id !== localId),
      onChange: (id, liveness) => {
        this.emitChange({ receivedAt: Date.now(), kind: 'liveness', origin: id, seq: null, type: 'liveness', liveness })
      }
    })

    this.health = createHealthCollector({
      stateDir: config.dir,
      monitoredServices: config.monitoredServices,
      roles: () => this.store.roles()
    })

    this.gossip = new Gossip({
      node: this.node,
      onMessage: (msg, from, source) => { this.onGossip(msg, from, source) },
      onReject: (reason) => { this.metrics.reject(reason) },
      onPublish: (kind, bytes) => { this.metrics.messagesOut.inc({ kind }); this.metrics.bytesOut.inc(bytes) }
    })

    this.discovery = new Discovery({
      bootstrap: config.bootstrap.map(parseBootstrap),
      maxConnections: config.maxConnections
    }, {
      node: this.node,
      onError: (where, err) => { this.log.debug({ where, err: String(err) }, 'discovery') },
      // Members we heard from (a partition that heals, a peer that restarted on its old address).
      known: () => this.store.listNodes()
        .filter(n => n.id !== localId && n.state !== 'retired' && !this.blocked.has(n.id) && (n.heartbeat?.addrs.length ?? 0) > 0)
        .map(n => ({ id: n.id, addrs: n.heartbeat!.addrs }))
    })

    this.commands = new CommandProcessor({
      store: commandStoreOf(this),
      self: () => {
        const v = this.selfView()
        return { id: v.id, name: v.name, roles: v.roles, tags: v.tags }
      },
      applyNodeAction: async (cmd, issuer) => await applyNodeAction(this, cmd, issuer),
      onFleetChange: () => { this.reconciler?.poke() },
      onReject: (code) => { this.metrics.reject(`command_${code}`); this.metrics.commands.inc({ result: code }) },
      skewMs: config.clockSkewSeconds * 1000
    })

    this.sync = new AntiEntropy({ intervalMs: config.syncIntervalMs }, {
      node: this.node,
      store: syncStoreOf(this),
      onCommand: async (cmd, _source) => { await this.commands.receive(cmd, 'sync') },
      onReject: (reason) => { this.metrics.reject(reason) },
      onPulled: (kind, count, bytes) => {
        if (count > 0) this.metrics.syncItems.inc({ kind }, count)
        if (bytes > 0) this.metrics.syncBytes.inc(bytes)
      },
      onError: (where, err) => { this.metrics.syncPulls.inc({ result: 'error' }); this.log.debug({ where, err: String(err) }, 'sync') }
    })

    this.reconciler = new Reconciler(this)
    this.code = new CodeManager(this)

    this.node.addEventListener('peer:connect', (evt) => {
      this.peers.connected(evt.detail.toString())
      this.metrics.peers.set(this.node.getConnections().length)
    })
    this.node.addEventListener('peer:disconnect', (evt) => {
      this.peers.disconnected(evt.detail.toString())
      this.metrics.peers.set(this.node.getConnections().length)
    })

    await this.node.start()
    this.gossip.start()
    await this.sync.start()
    await this.discovery.start()
    this.health.start()
    this.peers.start()

    this.control = createControlServer({ socketPath: join(config.dir, CONTROL_SOCKET_NAME) }, {
      handlers: controlHandlers(this),
      subscribe: (fn) => { this.listeners.add(fn); return () => { this.listeners.delete(fn) } },
      onRejected: (reason) => { this.metrics.reject(reason) }
    })
    await this.control.start()
    await this.metrics.serve(config.metricsPort)

    await this.code.start([...allEvents(this, 'code_announce'), ...allEvents(this, 'code_report')])
    await this.beat()
    this.scheduleHeartbeat()
    this.reconciler.start()
    this.log.info({ nodeId: localId, listen: this.listenAddrs() }, 'slm daemon started')
    this.opts.onReady?.()
  }

  async stop (): Promise<void> {
    if (this.stopping) return
    this.stopping = true
    clearTimeout(this.heartbeatTimer)
    this.reconciler?.stop()
    this.code?.stop()
    this.peers?.stop()
    this.health?.stop()
    this.discovery?.stop()
    this.sync?.stop()
    await this.control?.stop().catch(() => {})
    this.gossip?.stop()
    await Promise.resolve(this.node?.stop()).catch(() => {})
    await this.store?.stop().catch(() => {})
    await this.metrics.stop().catch(() => {})
    this.log.info('slm daemon stopped')
  }

  listenAddrs (): string[] {
    return this.node.getMultiaddrs().map(a => a.toString())
  }

  selfView (): NodeView {
    return nodeViewOf(this, this.id)!
  }

  publish (msg: GossipMessage): void {
    if (this.stopping) return
    this.gossip.publish(msg).catch((err) => { this.log.debug({ err: String(err) }, 'publish failed') })
  }

  /** Submits a command from the local control socket. */
  async submit (cmd: unknown): Promise<{ ok: boolean, code?: string, message?: string, id?: string }> {
    const res = await this.commands.receive(cmd, 'local')
    if (!res.ok) return { ok: false, code: res.code, message: res.message }
    this.publish({ v: PROTOCOL_VERSION, kind: 'command', command: res.command })
    return { ok: true, id: res.command.id }
  }

  emitChange (change: ReplicaChange): void {
    for (const l of this.listeners) {
      try { l(change) } catch {}
    }
  }

  buildHeartbeat (): Heartbeat {
    const selfNode = this.store.getNode(this.id)
    return {
      v: PROTOCOL_VERSION,
      origin: this.id,
      name: this.config.name,
      hlc: this.clock.now(),
      seq: this.store.maxSeq(this.id),
      intervalMs: this.config.heartbeatIntervalMs,
      addrs: this.listenAddrs().slice(0, 16),
      tags: this.config.tags,
      state: selfNode?.state ?? 'discovered',
      health: this.health.latest(),
      detectedRoles: this.health.detectRoles(),
      versions: this.health.versions(),
      codeSourceCandidate: this.config.codeSource.repo != null,
      ...(this.code.lease() != null ? { lease: this.code.lease()! } : {})
    }
  }

  private async beat (): Promise<void> {
    const hb = this.buildHeartbeat()
    await this.store.applyHeartbeat(hb, Date.now())
    this.publish({ v: PROTOCOL_VERSION, kind: 'heartbeat', heartbeat: hb })
  }

  /** Beats now (after a lease or version change) instead of waiting for the interval. */
  beatSoon (): void {
    if (this.stopping) return
    clearTimeout(this.heartbeatTimer)
    this.beat().catch(() => {}).finally(() => { this.scheduleHeartbeat() })
  }

  /** Test-only partition: drop gossip from these peers and hang up on them. */
  setBlocked (peers: string[]): { blocked: string[] } {
    this.blocked.clear()
    for (const p of peers) {
      const id = this.store.getNode(p)?.id ?? p
      this.blocked.add(id)
      for (const conn of this.node.getConnections()) {
        if (conn.remotePeer.toString() === id) void conn.close().catch(() => {})
      }
    }
    return { blocked: [...this.blocked] }
  }

  private scheduleHeartbeat (): void {
    if (this.stopping) return
    // Jitter so a fleet started together does not beat in lockstep.
    const delay = this.config.heartbeatIntervalMs * (0.9 + Math.random() * 0.2)
    this.heartbeatTimer = setTimeout(() => {
      this.beat().catch((err) => { this.log.warn({ err: String(err) }, 'heartbeat failed') })
        .finally(() => { this.scheduleHeartbeat() })
    }, delay)
  }

  private onGossip (msg: GossipMessage, from: string, source: PeerId | undefined): void {
    if (this.blocked.has(from) || (source != null && this.blocked.has(source.toString()))) return
    this.metrics.messagesIn.inc({ kind: msg.kind })
    switch (msg.kind) {
      case 'heartbeat': {
        const hb = msg.heartbeat
        try { this.clock.witness(hb.hlc) } catch { this.metrics.reject('clock_drift'); return }
        void this.store.applyHeartbeat(hb, Date.now())
        this.peers.evaluate()
        this.discovery.learn(hb.origin, hb.addrs)
        if (hb.seq > this.store.maxSeq(hb.origin)) this.pullFrom(hb.origin, source)
        break
      }
      case 'event': {
        const e: NodeEvent = msg.event
        try { this.clock.witness(e.hlc) } catch { this.metrics.reject('clock_drift'); return }
        this.store.ingestEvents([e]).then((r) => {
          if (r.gaps > 0) this.pullFrom(e.origin, source)
        }, (err) => { this.log.warn({ err: String(err) }, 'ingest failed') })
        break
      }
      case 'command': {
        const cmd: CommandEnvelope = msg.command
        void this.commands.receive(cmd, 'gossip')
        break
      }
    }
  }

  /** Pull from the origin itself when connected (it has everything), else from who relayed it. */
  private pullFrom (origin: string, source: PeerId | undefined): void {
    let peer: PeerId | undefined
    try {
      const o = peerIdFromString(origin)
      if (this.node.getConnections(o).length > 0) peer = o
    } catch {}
    peer ??= source
    if (peer != null && !this.blocked.has(peer.toString())) this.sync.syncWith(peer)
  }
}
