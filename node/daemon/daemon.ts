/**
 * The daemon: assembles identity, store, libp2p host, gossip, discovery, anti-entropy, liveness,
 * health, heartbeats, commands and the control socket, and owns their start/stop order.
 * Construction has no side effects; `start()` opens everything, `stop()` flushes and leaves.
 */
import { join } from 'node:path'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { HybridClock, compareHlc, hlcMs } from '../../protocol/hlc.js'
import { briefOf, fullBeatDue, stableHash, type FullBeatState } from '../../protocol/heartbeat.js'
import { signEvent } from '../../protocol/sign.js'
import { encodeGossip } from '../../protocol/codec.js'
import { signBeat } from '../../protocol/relayed-beat.js'
import { CONTROL_SOCKET_NAME, type ReplicaChange } from '../../protocol/control.js'
import { PROTOCOL_VERSION, type CommandEnvelope, type GossipMessage, type Heartbeat, type NodeEvent, type WireHeartbeat } from '../../protocol/types.js'
import { planReload, type DaemonConfig, type ReloadPlan } from '../config/index.js'
import { BYSTANDER_STORE_MS, BystanderQueue, CommandProcessor, isBystander, isOwnAction, type TargetSubject } from '../commands/index.js'
import { createControlServer, type ControlServer } from '../control/index.js'
import { createHealthCollector, type HealthCollector } from '../health/index.js'
import { loadFleetKey, loadNodeKey, readInitSeed } from '../identity/index.js'
import { createHost, Discovery, FLEET_TOPIC, Gossip, gossipGapOf, lazyGossipNeeded, parseBootstrap, publishTargets, setLazyGossip, trafficKind, type GossipGap, type SlmLibp2p } from '../net/index.js'
import { defaultRoles } from '../roles/index.js'
import { createStore, type Store } from '../store/index.js'
import { AntiEntropy } from '../sync/index.js'
import { controlHandlers } from './control-api.js'
import { createLogger, type Logger } from './logger.js'
import { DaemonMetrics } from './metrics.js'
import { PeerTracker } from './peers.js'
import { EarliestTimer } from './earliest-timer.js'
import { GOSSIP_REPAIR_LOG, GossipRepair } from './gossip-repair.js'
import { BEAT_QUIET_MS, beatHold, nextBeatAt, slotOf, slotsFor } from './beat-schedule.js'
import { BeatGatherer, beatTopic, relayable, relayOf, relayWaitMs } from './beat-relay.js'
import { SelfLifecycle } from './self.js'
import { IngestMarks } from './ingest-marks.js'
import { Outbox } from './outbox.js'
import { actionBatch, applyNodeAction } from './actions.js'
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

const SEEN_PRUNE_INTERVAL_MS = 10 * 60_000
/**
 * How soon lazy gossip is switched on or off after something it rests on changed (a connection, a
 * member's liveness, a member's reported `unconnected`); it is also checked at each of our beats.
 * A check every second was ~1 % of an idle daemon's CPU at 50 members, and nothing had changed.
 */
const LAZY_GOSSIP_CHECK_MS = 1000
/** How long an unreachable member we heard from still counts as a missing link (keeps lazy gossip on). */
const UNCONNECTED_MEMORY_MS = 10 * 60_000

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
  /** Our own events on their way to gossip, batched per node action. */
  readonly outbox = new Outbox({ send: (events, commands) => { this.publishEvents(events, commands) } })
  reconciler!: Reconciler
  code!: CodeManager
  private control?: ControlServer
  private heartbeatTimer?: NodeJS.Timeout
  private pruneTimer?: NodeJS.Timeout
  private readonly lazyGossipCheck = new EarliestTimer(() => { this.updateLazyGossip() })
  /** One pending hang-up per member: liveness flapping to unreachable again does not add timers. */
  private readonly hangUpTimers = new Map<string, NodeJS.Timeout>()
  /** Connected members our gossip does not reach, and when to reopen their links (gossip-repair.ts). */
  private readonly gossipRepair = new GossipRepair()
  private readonly listeners = new Set<(c: ReplicaChange) => void>()
  private readonly opts: DaemonOptions
  private stopping = false
  /** A store write failed since the last recovery. */
  private storeFailing = false
  /** When our heartbeat must next carry its stable parts (protocol/heartbeat.ts). */
  private readonly fullBeat: FullBeatState = { lastHash: undefined, sinceFull: 0, peerJoined: true }
  /** Test-only partition: peers we hang up on and refuse (set through the control socket). */
  readonly blocked = new Set<string>()
  /** Peers whose gossip is dropped, relayed or not (test-only partitions). */
  private readonly muted = new Set<string>()
  /** Node actions for other members, stored a moment later (node/commands/bystander.ts). */
  private readonly bystanders = new BystanderQueue((cmd) => { this.receiveGossiped(cmd, BYSTANDER_STORE_MS) })
  /** Gossiped events on their way into the store: a heartbeat naming them is no reason to pull. */
  private readonly ingesting = new IngestMarks()
  /** Until when our heartbeat waits for events that are spreading (beat-schedule.ts: beatHold). */
  private quietUntil = 0
  /** Our node key's signer (heartbeats that travel through a relay carry its signature). */
  private sign!: (bytes: Uint8Array) => Uint8Array
  /** As our slot's relay: the beats gathered for the next bundle (beat-relay.ts). */
  private readonly gatherer = new BeatGatherer((beats) => { this.publish({ v: PROTOCOL_VERSION, kind: 'beats', beats }) })
  /** Our last beat sent to a relay, published directly unless a bundle carries it in time. */
  private relayWait: { hlc: string, timer: NodeJS.Timeout } | undefined

  constructor (config: DaemonConfig, opts: DaemonOptions = {}) {
    this.config = config
    this.opts = opts
    this.log = opts.logger ?? createLogger(config.log.level, config.name)
  }

  /**
   * Takes a re-read config (SIGHUP): reloadable keys apply at once, by replacing them on the one
   * config object every loop reads; the rest are reported as needing a restart.
   */
  reload (next: DaemonConfig): ReloadPlan {
    const plan = planReload(this.config, next)
    const target = this.config as unknown as Record<string, unknown>
    for (const key of plan.apply) target[key] = structuredClone(next[key])
    if (plan.apply.includes('log')) this.log.level = this.config.log.level
    this.log.info({ applied: plan.apply, needRestart: plan.restart }, 'config reloaded')
    if (plan.apply.length > 0) this.beatSoon()
    return plan
  }

  /**
   * Keeps the seen-set bounded: a mark is needed only until its command would be refused as
   * expired anyway (expiry plus the clock-skew tolerance), so replays stay refused across restarts.
   */
  private pruneSeenNow (): void {
    this.store.pruneSeen(Date.now() - this.config.clockSkewSeconds * 1000).then((n) => {
      if (n > 0) this.log.debug({ pruned: n }, 'seen-set pruned')
    }, (err) => { this.log.warn({ err: String(err) }, 'seen-set prune failed') })
  }

  get id (): string {
    return this.node.peerId.toString()
  }

  async start (): Promise<void> {
    const { config } = this
    const { privateKey } = await loadNodeKey(config.dir)
    const fleetKey = await loadFleetKey(config.fleetKeyFile)
    const seed = await readInitSeed(config.dir)
    const sign = this.sign = (await import('./signer.js')).nodeSigner(privateKey)
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
      sign: (unsigned) => signEvent(unsigned, sign),
      onWriteFailure: () => { this.storeFailing = true }
    })
    this.metrics.measureStore({ size: () => this.store.sizeBytes(), commits: () => this.store.commits() })
    await this.store.start()
    this.store.onChange((change) => {
      if (change.kind === 'event' && change.event != null) this.code?.onEvent(change.event)
      // A desired commit set, paused or resumed, a role assigned or redefined: decide now.
      if (change.kind === 'register') this.code?.poke()
      this.emitChange(change)
    })

    this.self = new SelfLifecycle({
      append: async (type, body) => await this.store.appendLocal(type, body),
      state: () => this.store.getNode(localId)?.state ?? 'discovered',
      publish: (event) => { this.outbox.publish(event) }
    })

    this.peers = new PeerTracker({
      suspectMultiplier: config.suspectMultiplier,
      unreachableMultiplier: config.unreachableMultiplier
    }, {
      // Read straight from the replica's maps: building every node's record on each evaluation
      // and each heartbeat cost O(N^2) per interval, most of a large fleet's idle CPU.
      heartbeatOf: (id) => {
        const beat = this.store.lastBeat(id)
        return { at: beat?.at ?? null, intervalMs: beat?.hb.intervalMs ?? config.heartbeatIntervalMs }
      },
      knownIds: () => { const ids = this.store.nodeIds(); ids.delete(localId); return ids },
      onChange: (id, liveness) => {
        this.emitChange({ receivedAt: Date.now(), kind: 'liveness', origin: id, seq: null, type: 'liveness', liveness })
        this.lazyGossipSoon()
        if (liveness === 'unreachable') this.hangUpLater(id)
      }
    })

    this.health = createHealthCollector({
      stateDir: config.dir,
      monitoredServices: config.monitoredServices,
      roles: () => this.store.roles(),
      // Role checks are the reconciler's: it runs them on this node's effective roles each tick
      // and the heartbeat reports what it decided on, so the two never disagree.
      checkIntervalMs: 0
    })

    this.gossip = new Gossip({
      node: this.node,
      onMessage: (msg, from, source, bytes, beats) => { this.onGossip(msg, from, source, bytes, beats) },
      onReject: (reason) => { this.metrics.reject(reason) },
      onPublish: (kind, bytes) => { this.metrics.gossipOut(kind, bytes) }
    })

    this.discovery = new Discovery({
      bootstrap: config.bootstrap.map(parseBootstrap),
      maxConnections: config.maxConnections
    }, {
      node: this.node,
      onError: (where, err) => { this.log.debug({ where, err: String(err) }, 'discovery') }
    })

    this.commands = new CommandProcessor({
      store: commandStoreOf(this),
      self: () => this.selfSubject(),
      applyNodeAction: async (cmd, issuer) => await applyNodeAction(this, cmd, issuer),
      onFleetChange: () => { this.reconciler?.poke() },
      // Out before we apply it, not after: the members then hold their copy (a bystander's) when
      // the events of our transition arrive, and store both in one transaction. A node action for
      // us alone rides in the message of those events instead (Outbox.carry).
      onStored: (cmd, source) => {
        if (source !== 'local') return
        if (isOwnAction(cmd, this.selfSubject())) this.outbox.carry(cmd)
        else this.publish({ v: PROTOCOL_VERSION, kind: 'command', command: cmd })
      },
      onReject: (code) => { this.metrics.reject(`command_${code}`); this.metrics.commands.inc({ result: code }) },
      batch: async (fn) => await actionBatch(this.outbox, fn, {
        state: () => this.store.getNode(this.id)?.state ?? 'discovered',
        tick: async () => { await this.reconciler.tickNow() }
      }),
      skewMs: config.clockSkewSeconds * 1000
    })

    this.sync = new AntiEntropy({ intervalMs: config.syncIntervalMs }, {
      node: this.node,
      store: syncStoreOf(this),
      onCommand: async (cmd, _source) => { await this.commands.receive(cmd, 'sync') },
      onReject: (reason) => { this.metrics.reject(reason) },
      onPulled: (kind, count, bytes) => {
        if (count > 0) this.metrics.syncItems.inc({ kind }, count)
        if (bytes > 0) {
          this.metrics.syncBytes.inc(bytes)
          this.metrics.traffic.syncPulled.responses++
          this.metrics.traffic.syncPulled.bytes += bytes
        }
      },
      onServed: (reqBytes, resBytes) => {
        const s = this.metrics.traffic.syncServed
        s.requests++
        s.bytesIn += reqBytes
        s.bytesOut += resBytes
      },
      onExchanged: (result) => { this.metrics.syncPulls.inc({ result }) },
      onError: (where, err) => { this.log.debug({ where, err: String(err) }, 'sync') }
    })

    this.reconciler = new Reconciler(this)
    this.code = new CodeManager(this)

    this.node.addEventListener('peer:connect', (evt) => {
      this.fullBeat.peerJoined = true
      this.peers.connected(evt.detail.toString())
      this.metrics.peers.set(this.node.getConnections().length)
      this.lazyGossipSoon()
    })
    this.node.addEventListener('peer:disconnect', (evt) => {
      const id = evt.detail.toString()
      this.peers.disconnected(id)
      // Gone, or only the link? A refused dial says the member's daemon is not listening any more.
      if (!this.stopping) {
        void this.discovery.probe(id).then((r) => {
          // Rare and telling (why a member went unreachable, or did not): worth a journal line.
          this.log.info({ peer: id, redial: r }, 'link to a member closed')
          if (r === 'refused') this.peers.refused(id)
        })
      }
      this.metrics.peers.set(this.node.getConnections().length)
      this.lazyGossipSoon()
    })

    await this.node.start()
    this.gossip.start()
    await this.sync.start()
    await this.discovery.start()
    // Members the replica remembers, at their last heartbeat addresses: after a restart these are
    // redialled too, not only the bootstrap peers.
    for (const n of this.store.listNodes()) {
      if (n.id !== localId && n.state !== 'retired' && (n.heartbeat?.addrs.length ?? 0) > 0) this.discovery.learn(n.id, n.heartbeat!.addrs)
    }
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
    this.pruneSeenNow()
    this.pruneTimer = setInterval(() => { this.pruneSeenNow() }, SEEN_PRUNE_INTERVAL_MS).unref()
    this.lazyGossipSoon()
    this.recoverCommands().catch((err) => { this.log.warn({ err: String(err) }, 'command recovery failed') })
    this.log.info({ nodeId: localId, listen: this.listenAddrs() }, 'slm daemon started')
    this.opts.onReady?.()
  }

  async stop (): Promise<void> {
    if (this.stopping) return
    this.outbox.flush()
    // Their writes are queued now, and the store finishes them before it closes.
    this.bystanders.flush()
    this.stopping = true
    clearTimeout(this.heartbeatTimer)
    clearTimeout(this.relayWait?.timer)
    this.gatherer.stop()
    clearInterval(this.pruneTimer)
    this.lazyGossipCheck.cancel()
    for (const t of this.hangUpTimers.values()) clearTimeout(t)
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

  /**
   * This node as targets, assignments and windows select it: its record, not a node view (a view
   * also names the code-source holder, an O(fleet) walk), as this runs for every command received.
   */
  selfSubject (): TargetSubject {
    const n = this.store.getNode(this.id)
    return { id: this.id, name: n?.name ?? this.config.name, roles: n?.roles ?? [], tags: n?.tags ?? [] }
  }

  publish (msg: GossipMessage): void {
    if (this.stopping) return
    this.gossip.publish(msg).catch((err) => { this.log.debug({ err: String(err) }, 'publish failed') })
  }

  /**
   * One event as `event`, several (one origin, seq-ascending) or any with the commands they apply
   * as one `events` message; commands with no events as `command` messages.
   */
  private publishEvents (events: NodeEvent[], commands: CommandEnvelope[] = []): void {
    if (this.stopping) return
    if (events.length === 0) {
      for (const command of commands) this.publish({ v: PROTOCOL_VERSION, kind: 'command', command })
      return
    }
    this.holdBeats()
    const msg: GossipMessage = events.length === 1 && commands.length === 0
      ? { v: PROTOCOL_VERSION, kind: 'event', event: events[0] }
      : { v: PROTOCOL_VERSION, kind: 'events', events, ...(commands.length > 0 ? { commands } : {}) }
    this.gossip.publish(msg).catch((err) => {
      // A batch over the gossip size limit goes out in halves (still in seq order), the commands
      // on their own.
      if (err?.code === 'ERR_TOO_LARGE' && (events.length > 1 || commands.length > 0)) {
        const half = events.length >> 1
        this.publishEvents([], commands)
        this.publishEvents(events.slice(0, half))
        this.publishEvents(events.slice(half))
      } else {
        this.log.debug({ err: String(err) }, 'publish failed')
      }
    })
  }

  /** Submits a command from the local control socket. */
  async submit (cmd: unknown): Promise<{ ok: boolean, code?: string, message?: string, id?: string }> {
    // Gossiped from the processor's onStored once stored: at once, or (a node action for us
    // alone) with the events of its application (Outbox.carry).
    const res = await this.commands.receive(cmd, 'local')
    if (!res.ok) return { ok: false, code: res.code, message: res.message }
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
      seq: this.outbox.announceable(this.store.maxSeq(this.id)),
      intervalMs: this.config.heartbeatIntervalMs,
      addrs: this.listenAddrs().slice(0, 16),
      tags: this.config.tags,
      state: selfNode?.state ?? 'discovered',
      health: { ...this.health.latest(), checks: this.reconciler?.lastChecks ?? {} },
      detectedRoles: this.health.detectRoles(),
      versions: this.health.versions(),
      codeSourceCandidate: this.config.codeSource.repo != null,
      ...(this.code.lease() != null ? { lease: this.code.lease()! } : {}),
      unconnected: this.unconnectedMembers()
    }
  }

  /**
   * Closes what still looks like a connection to a member we no longer hear (no heartbeat for the
   * unreachable window, directly or relayed): after a silent partition or a power cut it would
   * otherwise stay open for TCP's ~15 minutes of retries, and gossip would keep going into it even
   * after the member came back on a new connection. Discovery redials it with backoff. This is the
   * job libp2p's connection monitor did with a ping per connection every 30 s (most of a large
   * idle fleet's streams), so the monitor is off (host.ts).
   */
  private hangUpLater (id: string): void {
    // Only after one more unreachable window in which it stayed so: on a starved host heartbeats
    // come late and liveness flaps, and a dropped connection would then turn a late beat into a
    // lost link (redialled with backoff) instead of a liveness blip.
    if (this.hangUpTimers.has(id)) return
    const intervalMs = this.store.lastBeat(id)?.hb.intervalMs ?? this.config.heartbeatIntervalMs
    const t = setTimeout(() => {
      this.hangUpTimers.delete(id)
      if (!this.stopping && this.peers.livenessOf(id) === 'unreachable') this.hangUp(id)
    }, intervalMs * this.config.unreachableMultiplier)
    t.unref()
    this.hangUpTimers.set(id, t)
  }

  private hangUp (id: string): void {
    let peer: PeerId
    try { peer = peerIdFromString(id) } catch { return }
    for (const conn of this.node.getConnections(peer)) {
      this.log.info({ peer: id }, 'hanging up on an unreachable member')
      conn.abort(new Error('member unreachable: no heartbeat within the unreachable window'))
    }
  }

  /**
   * Members our gossip does not reach directly (no connection, or no gossipsub stream or too low a
   * score on it: publishTargets) that we heard from lately (alive, suspect, or unreachable for
   * less than UNCONNECTED_MEMORY_MS). Unreachable ones count too: after a hang-up or a healed
   * partition only lazy gossip brings their heartbeats back before discovery redials them; a
   * member silent for longer is taken for gone and stops keeping gossip on.
   */
  unconnectedMembers (targets = this.publishTargets()): number {
    const now = Date.now()
    let n = 0
    for (const id of this.store.nodeIds()) {
      if (id === this.id || (this.peers.isConnected(id) && targets.has(id))) continue
      const at = this.store.lastBeat(id)?.at
      if (this.peers.livenessOf(id) !== 'unreachable' || (at != null && now - at < UNCONNECTED_MEMORY_MS)) n++
    }
    return n
  }

  /** Connected peers (all members: the fleet key keeps others out) our publishes do not reach now, and why (lazy-gossip.ts GossipGap). */
  gossipGaps (): Map<string, GossipGap> {
    const pubsub = this.node.services.pubsub
    const gaps = new Map<string, GossipGap>()
    for (const conn of this.node.getConnections()) {
      const id = conn.remotePeer.toString()
      if (gaps.has(id)) continue
      const gap = gossipGapOf(pubsub, FLEET_TOPIC, id)
      if (gap != null) gaps.set(id, gap)
    }
    return gaps
  }

  /** Peers our own publishes reach now (lazy-gossip.ts publishTargets). */
  publishTargets (): Set<string> {
    return publishTargets(this.node.services.pubsub, FLEET_TOPIC)
  }

  /** Checks lazy gossip within LAZY_GOSSIP_CHECK_MS (a check already due sooner stands). */
  private lazyGossipSoon (): void {
    if (!this.stopping) this.lazyGossipCheck.within(LAZY_GOSSIP_CHECK_MS)
  }

  /** Lazy gossip on while we or any live member we hear lacks a connection (lazy-gossip.ts). */
  updateLazyGossip (): void {
    const reported: Array<number | undefined> = []
    for (const id of this.store.nodeIds()) {
      if (id === this.id || this.peers.livenessOf(id) !== 'alive') continue
      reported.push(this.store.lastBeat(id)?.hb.unconnected)
    }
    setLazyGossip(this.node.services.pubsub, lazyGossipNeeded(this.unconnectedMembers(), reported))
  }

  private async beat (): Promise<void> {
    // Writes work again after failing (space came back): finish what the failures interrupted.
    if (this.storeFailing && this.store.writeFailure() == null) {
      this.storeFailing = false
      this.recoverCommands().catch((err) => { this.log.warn({ err: String(err) }, 'command recovery failed') })
    }
    const built = this.buildHeartbeat()
    const hb = { ...built, stable: stableHash(built) }
    await this.store.applyHeartbeat(hb, Date.now())
    const full = fullBeatDue(hb.stable, this.fullBeat)
    if (full) Object.assign(this.fullBeat, { lastHash: hb.stable, sinceFull: 0, peerJoined: false })
    else this.fullBeat.sinceFull++
    this.sendBeat({ v: PROTOCOL_VERSION, kind: 'heartbeat', heartbeat: full ? hb : briefOf(hb) })
    // What no event announces (a gossip stream closing on an open connection) is caught here.
    this.lazyGossipSoon()
    this.repairGossipLinks()
  }

  /**
   * Reopens the link to a member that is connected but has not been reached by our gossip for
   * gossipRepairAfterMs (gossip-repair.ts): closing it lets the redial (peer:disconnect) open
   * fresh streams.
   */
  private repairGossipLinks (): void {
    if (this.config.gossipRepairAfterMs <= 0) return
    const gaps = this.gossipGaps()
    for (const [id, gap] of gaps) if (gap === 'low-score') gaps.delete(id)
    const id = this.gossipRepair.due(Date.now(), gaps.keys(), this.config.gossipRepairAfterMs)
    if (id == null) return
    const reason = gaps.get(id) as GossipGap
    this.log.warn({ peer: id, reason }, GOSSIP_REPAIR_LOG)
    this.metrics.gossipRepairs.inc({ reason })
    for (const conn of this.node.getConnections(peerIdFromString(id))) conn.abort(new Error(`gossip stream gap (${reason})`))
  }

  /**
   * Our heartbeat goes to our slot's relay (beat-relay.ts), or into our own bundle when we are the
   * relay. Directly to every peer when no relay takes it, when it is too large to relay, or when
   * no bundle carried it in time (relayWaitMs).
   */
  private sendBeat (msg: Extract<GossipMessage, { kind: 'heartbeat' }>): void {
    if (this.stopping) return
    clearTimeout(this.relayWait?.timer)
    this.relayWait = undefined
    const peers = this.node.getPeers().map((p) => p.toString())
    const slots = slotsFor(peers.length + 1)
    const relay = relayOf(this.id, peers, slots)
    const topic = beatTopic(slots, slotOf(this.id, slots))
    this.gossip.relayFor(relay === this.id ? topic : null)
    const bytes = encodeGossip(msg)
    if (peers.length === 0 || !relayable(bytes.byteLength)) {
      this.publish(msg)
      return
    }
    const beat = signBeat(bytes, this.sign)
    if (relay === this.id) {
      // Counted as the heartbeat it is; the bundle that carries it counts as `beats`.
      this.metrics.gossipOut(trafficKind(msg), bytes.byteLength)
      this.gatherer.add(beat)
      return
    }
    const direct = (): void => {
      if (this.relayWait?.hlc === msg.heartbeat.hlc) this.relayWait = undefined
      this.publish(msg)
    }
    this.gossip.publish({ v: PROTOCOL_VERSION, kind: 'beat', beat }, topic, trafficKind(msg)).then((sent) => {
      if (sent === 0) direct()
      else if (this.relayWait === undefined && !this.stopping) this.relayWait = { hlc: msg.heartbeat.hlc, timer: setTimeout(direct, relayWaitMs(this.config.heartbeatIntervalMs)) }
    }, direct)
  }

  /** Beats now (after a lease or version change) instead of waiting for the interval. */
  beatSoon (): void {
    if (this.stopping) return
    clearTimeout(this.heartbeatTimer)
    this.beat().catch(() => {}).finally(() => { this.scheduleHeartbeat() })
  }

  /**
   * Test-only partition: hang up on these peers, refuse their connections and drop their gossip.
   * With `connectionsOnly` their gossip still counts when another peer relays it (a missing link,
   * not a split: what lazy gossip repairs).
   */
  setBlocked (peers: string[], connectionsOnly = false): { blocked: string[] } {
    this.blocked.clear()
    this.muted.clear()
    for (const p of peers) {
      const id = this.store.getNode(p)?.id ?? p
      this.blocked.add(id)
      if (!connectionsOnly) this.muted.add(id)
      for (const conn of this.node.getConnections()) {
        if (conn.remotePeer.toString() === id) void conn.close().catch(() => {})
      }
    }
    return { blocked: [...this.blocked] }
  }

  /** Events are spreading (ours or a peer's): our next beat waits for them (beatHold). */
  private holdBeats (): void {
    this.quietUntil = Date.now() + BEAT_QUIET_MS
  }

  private scheduleHeartbeat (): void {
    if (this.stopping) return
    // On the fleet's grid, in our slot (beat-schedule.ts): receivers take a slot's beats at once.
    const slots = slotsFor(this.node.getPeers().length + 1)
    const now = Date.now()
    const interval = this.config.heartbeatIntervalMs
    const due = nextBeatAt(now, this.store.lastBeat(this.id)?.at, interval, slotOf(this.id, slots), slots)
    const fire = (): void => {
      const hold = beatHold(Date.now(), due, this.quietUntil, interval)
      if (hold > 0) {
        this.heartbeatTimer = setTimeout(fire, hold)
        return
      }
      this.beat().catch((err) => { this.log.warn({ err: String(err) }, 'heartbeat failed') })
        .finally(() => { this.scheduleHeartbeat() })
    }
    this.heartbeatTimer = setTimeout(fire, due - now)
  }

  private onGossip (msg: GossipMessage, from: string, source: PeerId | undefined, bytes = 0, beats: WireHeartbeat[] = []): void {
    if (this.muted.has(from) || (source != null && this.muted.has(source.toString()))) return
    this.metrics.gossipIn(trafficKind(msg), bytes)
    switch (msg.kind) {
      case 'heartbeat':
        this.onHeartbeat(msg.heartbeat, source)
        break
      case 'beat':
        // A slot-mate's beat, for the bundle we send as its relay (checked: gossip.ts openRelayed).
        this.gatherer.add(msg.beat)
        this.onRelayed(beats, source)
        break
      case 'beats':
        this.onRelayed(beats, source)
        break
      case 'event':
      case 'events': {
        const events: NodeEvent[] = msg.kind === 'event' ? [msg.event] : msg.events
        try { for (const e of events) this.clock.witness(e.hlc) } catch { this.metrics.reject('clock_drift'); return }
        // One origin per message: the validator checks it.
        const origin = events[0].origin
        const top = events.reduce((m, e) => Math.max(m, e.seq), 0)
        this.holdBeats()
        this.ingesting.begin(origin, top)
        const carried = msg.kind === 'events' ? msg.commands ?? [] : []
        this.store.ingestEvents(events).then((r) => {
          if (r.gaps > 0) this.pullFrom(origin, source)
        }, (err) => { this.log.warn({ err: String(err) }, 'ingest failed') }).finally(() => {
          this.ingesting.end(origin, top)
          // Only now the commands: the carried ones and the held copies these events followed
          // (bystander.ts). Every member stores the events first; checking a command before them
          // kept them from the store for its CPU times the receivers sharing the host's cores.
          for (const cmd of carried) this.onCommand(cmd)
          this.bystanders.flush()
        })
        break
      }
      case 'command':
        this.onCommand(msg.command)
        break
    }
  }

  /** Heartbeats that came through a relay (or to us as one), checked by gossip.ts openRelayed. */
  private onRelayed (beats: WireHeartbeat[], source: PeerId | undefined): void {
    for (const hb of beats) {
      if (hb.origin === this.id) {
        if (this.relayWait !== undefined && compareHlc(hb.hlc, this.relayWait.hlc) >= 0) {
          clearTimeout(this.relayWait.timer)
          this.relayWait = undefined
        }
        continue
      }
      // A copy we already hold (a second relay's, or the direct one) says nothing new.
      const prev = this.store.lastBeat(hb.origin)
      if (this.muted.has(hb.origin) || (prev !== undefined && compareHlc(hb.hlc, prev.hb.hlc) <= 0)) continue
      // A member killed just after its beat reached the relay: that beat, arriving after our link
      // to the member closed, is older than the close and must not make the member alive again.
      if (this.peers.lostWithin(hb.origin, relayWaitMs(this.config.heartbeatIntervalMs))) continue
      this.onHeartbeat(hb, source)
    }
  }

  private onHeartbeat (hb: WireHeartbeat, source: PeerId | undefined): void {
    try { this.clock.witness(hb.hlc) } catch { this.metrics.reject('clock_drift'); return }
    // Sender's clock to our receipt: network and queueing delay plus clock skew.
    this.metrics.heartbeatLag.observe(Math.max(0, Date.now() - hlcMs(hb.hlc)) / 1000)
    if (this.store.lastBeat(hb.origin)?.hb.unconnected !== hb.unconnected) this.lazyGossipSoon()
    this.store.applyHeartbeat(hb, Date.now()).catch((err) => { this.log.debug({ err: String(err) }, 'heartbeat not stored') })
    this.peers.heard(hb.origin)
    this.discovery.learn(hb.origin, hb.addrs)
    if (this.ingesting.ahead(hb.origin, hb.seq, this.store.maxSeq(hb.origin))) this.pullFrom(hb.origin, source)
  }

  /** A gossiped command: a bystander's copy waits for the events it causes (bystander.ts). */
  private onCommand (cmd: CommandEnvelope): void {
    if (isBystander(cmd, this.selfSubject())) this.bystanders.add(cmd)
    else this.receiveGossiped(cmd)
  }

  private receiveGossiped (cmd: CommandEnvelope, lazyStoreMs?: number): void {
    // A refused write (disk full) leaves the command unseen: anti-entropy brings it again.
    this.commands.receive(cmd, 'gossip', { lazyStoreMs }).catch((err) => { this.log.warn({ err: String(err), command: cmd.id }, 'gossiped command not stored') })
  }

  /**
   * Finishes commands a kill -9 or a failed write left half applied here (CommandProcessor.recover).
   * Node actions are judged from our own retained log: only commands issued after its oldest
   * event (older results may be pruned) that name this node, or all nodes, or that we accepted.
   */
  async recoverCommands (): Promise<void> {
    const id = this.id
    const range = this.store.syncDigest().origins[id]
    const own = range == null ? [] : this.store.eventsFrom(id, range.min, range.max - range.min + 1)
    const oldest = own[0]?.hlc
    const results = new Map<string, 'accepted' | 'final'>()
    const moved = new Set<string>()
    for (const e of own) {
      if (e.type === 'command_result') results.set(e.body.commandId, e.body.status !== 'accepted' || results.get(e.body.commandId) === 'final' ? 'final' : 'accepted')
      else if (e.type === 'transition' && e.body.commandId != null) moved.add(e.body.commandId)
    }
    const names = new Set([id, this.config.name])
    const ours = (cmd: CommandEnvelope): boolean => cmd.target.kind === 'all' || (cmd.target.kind === 'nodes' && cmd.target.nodes.some((n) => names.has(n)))
    const res = await this.commands.recover(this.store.listCommands(), {
      answered: (cmd) => results.get(cmd.id) ?? (oldest != null && cmd.issuedAt >= oldest && ours(cmd) ? 'none' : 'final'),
      transitioned: (commandId) => moved.has(commandId)
    }, (cmd) => this.store.trustEntry(cmd.issuer))
    if (res.registers > 0 || res.answered > 0) this.log.info(res, 'finished commands left half applied')
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
