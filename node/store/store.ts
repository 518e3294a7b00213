/**
 * The LMDB replica. Every replicated write follows one recipe (STYLE 5): the CPU-heavy part (sign,
 * canonical JSON, sha256) runs before the transaction; inside one write transaction it checks the
 * item is new, writes it, folds it into the derived records and XORs its hash into the set digest,
 * so the data, the heads and the digests can never disagree on disk. Writes share transactions
 * (group commit, writer.ts) and resolve only once durable.
 */
import { statSync } from 'node:fs'
import { join } from 'node:path'
import type { HistoryItem, Page } from '../../protocol/control.js'
import { SlmError } from '../../protocol/errors.js'
import { compareHlc } from '../../protocol/hlc.js'
import { completeHeartbeat } from '../../protocol/heartbeat.js'
import { PROTOCOL_VERSION, type CommandEnvelope, type EventBodies, type EventType, type Heartbeat, type MaintenanceWindow, type NodeEvent, type NodeState, type Register, type RoleDefinition, type SyncDigest, type TrustEntry, type UnsignedNodeEvent, type WireHeartbeat } from '../../protocol/types.js'
import { DEFAULT_ROLES } from '../roles/index.js'
import { ChangeFeed } from './changes.js'
import * as cmds from './commands.js'
import { DEFAULT_MAX_EVENTS_PER_ORIGIN, HLC_ZERO, SYNC_MAX_JOBS, SYNC_SLOW_BACKOFF, SYNC_SLOW_MS } from './constants.js'
import { emptyNode } from './derive.js'
import { combine, itemHash } from './digest.js'
import { applyEvent, eventsFrom, prune, sortEvents, type EventCtx } from './events.js'
import { historyPage } from './history.js'
import { migrate } from './migrations.js'
import { assignments, nodeRecord, type Assignments, type Beat } from './nodes.js'
import { openDbs, OVERLAPPING_SYNC, storeOpenError, storeWriteError, type Dbs } from './open.js'
import { recompute, statistics } from './scan.js'
import * as regs from './registers.js'
import { applySnapshot, exportSnapshot, hashSnapshot } from './snapshot.js'
import { ReplicaState } from './state.js'
import type { IngestResult, NodeRecord, Store, StoreComponents, StoreInit, StoreSnapshot, StoreStats, StoreWriteFailure } from './types.js'
import { GroupCommit, type JobSpec } from './writer.js'

const CLOSE_TIMEOUT_MS = 5000

/** Registers `getRegister` keeps by key between fleet changes, at most. */
const MAX_CACHED_REGISTERS = 1024

/** Views of the fleet registers kept between changes; frozen where callers share them. */
interface DerivedFleet {
  /** Registers read by key (misses too): the code tick reads a few every second on every daemon. */
  registers?: Map<string, Register | undefined>
  fleet?: Assignments
  roles?: readonly RoleDefinition[]
  windows?: readonly MaintenanceWindow[]
}

export class LmdbStore extends ChangeFeed implements Store {
  private readonly init: StoreInit
  private readonly c: StoreComponents
  private readonly keep: number
  private readonly defaultRoles: readonly RoleDefinition[]
  private readonly state = new ReplicaState()
  /** Heartbeats are ephemeral: in memory only, never in the replica digest. */
  private readonly beats = new Map<string, Beat>()
  /** Origins written in the current transaction, pruned once at its end. */
  private readonly touched = new Set<string>()
  private dbs: Dbs | null = null
  private writer: GroupCommit | null = null
  /** Last seq handed to a local append; ahead of the durable max while appends are in flight. */
  private localAlloc = 0
  /** What is derived from the registers, read again only after they change (fleetChanged). */
  private derived: DerivedFleet = {}
  /** The last failed write, until a write succeeds again. */
  private failure: StoreWriteFailure | null = null

  constructor (init: StoreInit, components: StoreComponents) {
    super()
    this.init = init
    this.c = components
    this.keep = Math.max(1, init.retention?.maxEventsPerOrigin ?? DEFAULT_MAX_EVENTS_PER_ORIGIN)
    this.defaultRoles = init.defaultRoles ?? DEFAULT_ROLES
  }

  async start (): Promise<void> {
    if (this.dbs != null) return
    const dbs = openDbs(this.init.path)
    try {
      await migrate(dbs)
      const hadDigests = this.state.load(dbs)
      this.dbs = dbs
      this.writer = new GroupCommit(dbs.root, {
        begin: () => { this.state.begin(); this.touched.clear() },
        finish: () => { for (const o of this.touched) prune(this.ctx, o); this.state.flushDraft(dbs) },
        seal: () => { this.state.seal() },
        commit: () => { this.state.durable(); this.failure = null },
        rollback: (err) => {
          this.state.abandon()
          this.reload()
          const e = err as SlmError
          this.failure = { code: e?.code ?? 'ERR_STORE_WRITE', message: String(e?.message ?? err), at: Date.now(), count: (this.failure?.count ?? 0) + 1 }
          this.c.onWriteFailure?.(this.failure)
        },
        durable: async () => { if (OVERLAPPING_SYNC) await dbs.root.flushed },
        describe: async (err) => await storeWriteError(err, this.init.path)
      }, { maxJobs: SYNC_MAX_JOBS, slowMs: SYNC_SLOW_MS, backoff: SYNC_SLOW_BACKOFF })
      this.localAlloc = this.maxSeq(this.c.localId)
      // After a migration that dropped them: rebuild the digests from a full scan, once.
      if (!hadDigests) await this.submit({ apply: () => { Object.assign(this.state.d, recompute(dbs)) } })
      for (const t of this.init.bootstrapTrust ?? []) {
        await this.applyRegister({ key: `trust/${t.key}`, value: t, hlc: HLC_ZERO, commandId: 'bootstrap' })
      }
    } catch (err: any) {
      this.dbs = null
      await dbs.root.close().catch(() => {})
      throw err instanceof SlmError ? err : storeOpenError(this.init.path, err)
    }
  }

  async stop (): Promise<void> {
    const dbs = this.dbs
    if (dbs == null) return
    await this.writer?.drain()
    this.dbs = null
    // After failed commits (a full disk) lmdb-js may never settle close(): do not hang shutdown on it.
    let timer: NodeJS.Timeout | undefined
    await Promise.race([dbs.root.close(), new Promise<void>((resolve) => { timer = setTimeout(resolve, CLOSE_TIMEOUT_MS) })])
    clearTimeout(timer)
  }

  writeFailure (): StoreWriteFailure | null { return this.failure }

  private get ctx (): EventCtx { return { dbs: this.db, state: this.state, keep: this.keep } }

  private get db (): Dbs {
    if (this.dbs == null) throw new SlmError('ERR_STORE_CLOSED', 'the replica store is not started (call start() first) or was stopped')
    return this.dbs
  }

  private async submit<R> (job: JobSpec<R>): Promise<R> {
    if (this.writer == null || this.dbs == null) throw new SlmError('ERR_STORE_CLOSED', 'the replica store is not started (call start() first) or was stopped')
    return await this.writer.submit(job)
  }

  private reload (): void {
    this.state.load(this.db)
    this.localAlloc = this.maxSeq(this.c.localId)
    this.fleetChanged()
  }

  // ---- events ---------------------------------------------------------------------------------

  maxSeq (origin: string): number { return this.state.heads.get(origin)?.max ?? 0 }

  eventsFrom (origin: string, fromSeq: number, limit: number): NodeEvent[] { return eventsFrom(this.db, origin, fromSeq, limit) }

  async appendLocal<T extends EventType> (type: T, body: EventBodies[T]): Promise<NodeEvent> {
    let event!: NodeEvent
    let h!: Buffer
    const verdict = await this.submit({
      // Seqs are handed out in submission order, before signing; a failed commit rewinds them.
      prepare: () => {
        const unsigned = { v: PROTOCOL_VERSION, origin: this.c.localId, seq: ++this.localAlloc, hlc: this.c.clock.now(), type, body } as UnsignedNodeEvent
        const signed = this.c.sign(unsigned)
        const done = (e: NodeEvent): void => { event = e; h = itemHash(e) }
        if (signed instanceof Promise) return signed.then(done)
        done(signed)
      },
      apply: () => {
        const v = applyEvent(this.ctx, event, h)
        if (v === 'stored') this.touched.add(event.origin)
        return v
      }
    })
    if (verdict !== 'stored') throw new SlmError('ERR_STORE_SEQ', `local event seq ${event.seq} was not the next of our log (${verdict})`)
    this.emit({ receivedAt: Date.now(), kind: 'event', origin: event.origin, seq: event.seq, type: event.type, event })
    return event
  }

  /**
   * Remote events (already verified by the caller). Idempotent; only the next seq of each origin
   * lands, later ones count as gaps for the caller to pull. With `snapshot`, the first event of
   * each origin may start a new base past what we hold (a peer that pruned what we lack).
   */
  async ingestEvents (events: NodeEvent[], opts: { snapshot?: boolean } = {}): Promise<IngestResult> {
    const res: IngestResult = { stored: 0, duplicates: 0, gaps: 0 }
    const stored: NodeEvent[] = []
    let sorted: NodeEvent[] = []
    let hashes: Buffer[] = []
    await this.submit({
      prepare: () => {
        sorted = sortEvents(events)
        hashes = sorted.map(itemHash)
      },
      apply: () => {
        let prev = ''
        sorted.forEach((e, i) => {
          const first = e.origin !== prev
          prev = e.origin
          // We are the only author of our own log; a copy from a peer is never newer than ours.
          const v = e.origin === this.c.localId ? 'duplicate' : applyEvent(this.ctx, e, hashes[i], opts.snapshot === true && first)
          if (v === 'stored') { res.stored++; stored.push(e); this.touched.add(e.origin) } else if (v === 'duplicate') res.duplicates++
          else res.gaps++
        })
      }
    })
    const now = Date.now()
    for (const e of stored) {
      try { this.c.clock.witness(e.hlc) } catch {} // a drifting clock is refused by the clock itself
      this.emit({ receivedAt: now, kind: 'event', origin: e.origin, seq: e.seq, type: e.type, event: e })
    }
    return res
  }

  // ---- nodes ----------------------------------------------------------------------------------

  async applyHeartbeat (wire: WireHeartbeat, receivedAt: number): Promise<void> {
    const prev = this.beats.get(wire.origin)
    if (prev != null && compareHlc(wire.hlc, prev.hb.hlc) < 0) return // an older heartbeat relayed late
    const hb = completeHeartbeat(wire, prev?.hb)
    this.beats.set(hb.origin, { hb, at: receivedAt })
    const stored = this.state.nodes.get(hb.origin)
    if (stored == null || stored.name !== hb.name) {
      // The name is bookkeeping, not replicated state: persisted so it survives a restart.
      await this.submit({ apply: () => { this.state.setNode({ ...(this.state.node(hb.origin) ?? emptyNode(hb.origin)), name: hb.name }) } })
    }
    this.emit({ receivedAt, kind: 'heartbeat', origin: hb.origin, seq: hb.seq, type: 'heartbeat' })
  }

  /**
   * The live assignment and tag entries, read again only after fleet data changed: node records
   * and the daemon's node views (its 1 s code tick, every command) both build on them.
   */
  assignments (): Assignments {
    this.derived.fleet ??= assignments(regs.listRegisters(this.db, 'assign/'), [...regs.listRegisters(this.db, 'tag/'), ...regs.listRegisters(this.db, 'tags/')])
    return this.derived.fleet
  }

  private record (id: string): NodeRecord {
    return nodeRecord(this.state.nodes.get(id) ?? emptyNode(id), this.beats.get(id), this.assignments())
  }

  /** Every node id the replica knows (stored or heard), without building their records. */
  nodeIds (): Set<string> {
    return new Set<string>([...this.state.nodes.keys(), ...this.beats.keys()])
  }

  /** A node's latest heartbeat and when it arrived, without building its record. */
  lastBeat (id: string): Beat | undefined {
    return this.beats.get(id)
  }

  getNode (idOrName: string): NodeRecord | undefined {
    if (this.state.nodes.has(idOrName) || this.beats.has(idOrName)) return this.record(idOrName)
    return this.listNodes().find(n => n.name === idOrName)
  }

  listNodes (filter: { state?: NodeState, role?: string } = {}): NodeRecord[] {
    const out: NodeRecord[] = []
    for (const id of this.nodeIds()) {
      const r = this.record(id)
      if (filter.state != null && r.state !== filter.state) continue
      if (filter.role != null && !r.roles.includes(filter.role)) continue
      out.push(r)
    }
    return out
  }

  history (nodeId: string, page: { limit: number, offset: number }): Page<HistoryItem> { return historyPage(this.db, nodeId, page) }

  // ---- commands -------------------------------------------------------------------------------

  async putCommand (cmd: CommandEnvelope, lazyMs?: number): Promise<boolean> {
    let h!: Buffer
    const stored = await this.submit({ prepare: () => { h = itemHash(cmd) }, apply: () => cmds.applyCommand(this.db, this.state, cmd, h), lazyMs })
    if (stored) this.emit({ receivedAt: Date.now(), kind: 'command', origin: cmd.issuer, seq: null, type: cmd.action, command: cmd })
    return stored
  }

  getCommand (id: string): CommandEnvelope | undefined { return this.db.commands.get(id) }
  listCommands (opts: { after?: string, limit?: number } = {}): CommandEnvelope[] { return cmds.listCommands(this.db, opts) }
  commandIds (): string[] { return [...this.db.commands.getKeys()] }
  hasSeen (id: string): boolean { return this.db.seen.doesExist(id) }
  async markSeen (id: string, expiresAt: number): Promise<void> { await this.submit({ apply: () => { cmds.markSeen(this.db, id, expiresAt) } }) }
  async pruneSeen (now: number): Promise<number> { return await this.submit({ apply: () => cmds.pruneSeen(this.db, now) }) }

  // ---- fleet data -----------------------------------------------------------------------------

  async applyRegister (reg: Register): Promise<boolean> {
    let h!: Buffer
    const won = await this.submit({ prepare: () => { h = itemHash(reg) }, apply: () => regs.applyRegister(this.db, this.state, reg, h) })
    if (won) {
      this.fleetChanged()
      this.emit({ receivedAt: Date.now(), kind: 'register', origin: reg.commandId, seq: null, type: reg.key.split('/')[0], key: reg.key, value: reg.value })
    }
    return won
  }

  /** Registers changed: what was derived from them is read again when next asked for. */
  private fleetChanged (): void {
    this.derived = {}
  }

  getRegister (key: string): Register | undefined {
    const cache = this.derived.registers ??= new Map()
    if (cache.has(key)) return cache.get(key)
    const reg = this.db.registers.get(key)
    // Bounded: keys come from commands too, and misses are cached.
    if (cache.size >= MAX_CACHED_REGISTERS) cache.clear()
    cache.set(key, reg)
    return reg
  }
  listRegisters (prefix: string): Register[] { return regs.listRegisters(this.db, prefix) }
  trustList (): TrustEntry[] { return regs.trustList(this.db) }
  /** One key's trust entry (its register, `trust/<key>`), without listing them all. */
  trustEntry (key: string): TrustEntry | undefined { return (this.getRegister(`trust/${key}`)?.value ?? undefined) as TrustEntry | undefined }
  /** Read again only after fleet data changed: the reconciler, the code manager and the health probes ask each tick. */
  roles (): readonly RoleDefinition[] {
    this.derived.roles ??= Object.freeze(regs.roles(this.db, this.defaultRoles))
    return this.derived.roles
  }
  /** Cached like roles(): the reconciler reads them on every pass. */
  windows (): readonly MaintenanceWindow[] {
    this.derived.windows ??= Object.freeze(regs.windows(this.db))
    return this.derived.windows
  }

  // ---- digests, statistics, snapshots ---------------------------------------------------------

  syncDigest (): SyncDigest {
    const d = this.state.digests
    return {
      origins: Object.fromEntries([...this.state.heads].map(([o, h]) => [o, { min: h.min, max: h.max }])),
      commands: { count: d.commands.count, hash: d.commands.hex() },
      registers: { count: d.registers.count, hash: d.registers.hex() }
    }
  }

  replicaDigest (): string { return combine(this.state.digests) }
  recomputeReplicaDigest (): string { return combine(recompute(this.db)) }

  stats (): StoreStats {
    return statistics(this.listNodes(), this.roles().length, this.state)
  }

  exportSnapshot (): StoreSnapshot { return exportSnapshot(this.ctx) }

  async importSnapshot (snap: StoreSnapshot): Promise<IngestResult> {
    let hashes!: ReturnType<typeof hashSnapshot>
    const out = await this.submit({
      prepare: () => { hashes = hashSnapshot(snap) },
      apply: () => applySnapshot(this.ctx, this.c.localId, snap, hashes, this.touched)
    })
    this.fleetChanged()
    const now = Date.now()
    for (const r of out.registers) this.emit({ receivedAt: now, kind: 'register', origin: r.commandId, seq: null, type: r.key.split('/')[0], key: r.key, value: r.value })
    for (const c of out.commands) this.emit({ receivedAt: now, kind: 'command', origin: c.issuer, seq: null, type: c.action, command: c })
    for (const e of out.events) this.emit({ receivedAt: now, kind: 'event', origin: e.origin, seq: e.seq, type: e.type, event: e })
    return out.result
  }

  sizeBytes (): number {
    try { return statSync(join(this.init.path, 'data.mdb')).size } catch { return 0 }
  }

  commits (): number { return this.writer?.commits ?? 0 }
}
