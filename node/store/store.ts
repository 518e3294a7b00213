/**
 * The LMDB replica. Every replicated write follows one recipe (STYLE 5): inside one write
 * transaction, check it is new, write it, fold it into the derived record, and XOR its hash into
 * the set digest — so the digest, the heads and the data can never disagree on disk. A write's
 * promise resolves only when its transaction is on disk (overlappingSync off: PITFALLS "visible is
 * not durable"); lmdb-js batches the writes of one tick into one transaction, so durability costs
 * one fsync per batch (group commit), not one per event.
 */
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { open, type Database, type RootDatabase } from 'lmdb'
import type { HistoryItem, Page, ReplicaChange } from '../../protocol/control.js'
import { SlmError, ValidationError } from '../../protocol/errors.js'
import { compareHlc, hlcMs } from '../../protocol/hlc.js'
import { PROTOCOL_VERSION, type CommandEnvelope, type EventBodies, type EventType, type Heartbeat, type MaintenanceWindow, type NodeEvent, type Register, type RoleDefinition, type SyncDigest, type TrustEntry } from '../../protocol/types.js'
import { combine, itemHash, xorInto, ZERO } from './digest.js'
import { emptyRecord, foldEvent } from './derive.js'
import { migrate } from './migrations.js'
import type { IngestResult, NodeRecord, Store, StoreComponents, StoreInit, StoreStats } from './types.js'

const HLC_ZERO = '000000000000000-000000'

interface Digests { events: string, commands: string, registers: string, commandCount: number, registerCount: number }

export class LmdbStore implements Store {
  private readonly init: StoreInit
  private readonly c: StoreComponents
  private root!: RootDatabase
  private events!: Database<NodeEvent, [string, number]>
  private heads!: Database<{ min: number, max: number }, string>
  private nodes!: Database<Omit<NodeRecord, 'heartbeat' | 'lastHeartbeat'>, string>
  private hist!: Database<HistoryItem, [string, number]>
  private commands!: Database<CommandEnvelope, string>
  private seen!: Database<number, string>
  private registers!: Database<Register, string>
  private meta!: Database<any, string>
  /** Heartbeats are ephemeral: kept in memory only, never in the replica digest. */
  private readonly beats = new Map<string, { hb: Heartbeat, at: number }>()
  private digests: Digests = { events: ZERO, commands: ZERO, registers: ZERO, commandCount: 0, registerCount: 0 }

  private readonly listeners = new Set<(c: ReplicaChange) => void>()

  constructor (init: StoreInit, components: StoreComponents) {
    this.init = init
    this.c = components
  }

  async start (): Promise<void> {
    try {
      this.root = open({ path: join(this.init.path), maxDbs: 16, overlappingSync: false, compression: false })
      this.events = this.root.openDB({ name: 'events', keyEncoding: 'ordered-binary' })
      this.heads = this.root.openDB({ name: 'heads' })
      this.nodes = this.root.openDB({ name: 'nodes' })
      this.hist = this.root.openDB({ name: 'history', keyEncoding: 'ordered-binary' })
      this.commands = this.root.openDB({ name: 'commands' })
      this.seen = this.root.openDB({ name: 'seen' })
      this.registers = this.root.openDB({ name: 'registers' })
      this.meta = this.root.openDB({ name: 'meta' })
    } catch (err: any) {
      throw new SlmError('ERR_STORE_OPEN', `cannot open the replica at ${this.init.path}: ${String(err?.message ?? err)}`, { cause: err })
    }
    await migrate(this.meta, this.root)
    this.digests = this.meta.get('digests') ?? this.digests
    const trust = this.init.bootstrapTrust ?? []
    if (trust.length > 0) {
      for (const t of trust) {
        await this.applyRegister({ key: `trust/${t.key}`, value: t, hlc: HLC_ZERO, commandId: 'bootstrap' })
      }
    }
  }

  async stop (): Promise<void> {
    await this.root?.close()
  }

  onChange (fn: (c: ReplicaChange) => void): () => void {
    this.listeners.add(fn)
    return () => { this.listeners.delete(fn) }
  }

  private emit (change: ReplicaChange): void {
    for (const fn of this.listeners) {
      try { fn(change) } catch {}
    }
  }

  private saveDigests (): void {
    this.meta.put('digests', this.digests)
  }

  // ---- events ---------------------------------------------------------------------------------

  maxSeq (origin: string): number {
    return this.heads.get(origin)?.max ?? 0
  }

  /** Writes one event inside the current transaction; returns false for a duplicate or a gap. */
  private writeEvent (e: NodeEvent, snapshot: boolean): 'stored' | 'duplicate' | 'gap' {
    const head = this.heads.get(e.origin)
    const max = head?.max ?? 0
    if (e.seq <= max && head != null && e.seq >= head.min) return 'duplicate'
    if (e.seq <= max) return 'duplicate'
    if (e.seq !== max + 1 && !snapshot) return 'gap'
    if (e.seq !== max + 1 && snapshot) {
      // A snapshot base: what we held of this origin is older than the peer's retained tail.
      for (const { key, value } of this.events.getRange({ start: [e.origin, 0], end: [e.origin, Number.MAX_SAFE_INTEGER] })) {
        this.digests.events = xorInto(this.digests.events, itemHash(value))
        this.events.remove(key)
      }
    }
    this.events.put([e.origin, e.seq], e)
    const min = head == null || (snapshot && e.seq !== max + 1) ? e.seq : head.min
    this.heads.put(e.origin, { min, max: e.seq })
    this.digests.events = xorInto(this.digests.events, itemHash(e))
    const rec = foldEvent(this.nodeRecord(e.origin), e)
    if (e.type === 'transition') {
      this.hist.put([e.origin, e.seq], { seq: e.seq, hlc: e.hlc, at: hlcMs(e.hlc), ...e.body })
    }
    this.putRecord(rec)
    this.prune(e.origin)
    return 'stored'
  }

  private prune (origin: string): void {
    const keep = this.init.retention?.maxEventsPerOrigin ?? 10_000
    const head = this.heads.get(origin)
    if (head == null || head.max - head.min + 1 <= keep) return
    const newMin = head.max - keep + 1
    for (let s = head.min; s < newMin; s++) {
      const old = this.events.get([origin, s])
      if (old != null) {
        this.digests.events = xorInto(this.digests.events, itemHash(old))
        this.events.remove([origin, s])
      }
    }
    this.heads.put(origin, { min: newMin, max: head.max })
  }

  async appendLocal<T extends EventType> (type: T, body: EventBodies[T]): Promise<NodeEvent> {
    let event!: NodeEvent
    await this.root.transaction(() => {
      const seq = this.maxSeq(this.c.localId) + 1
      event = this.c.sign({ v: PROTOCOL_VERSION, origin: this.c.localId, seq, hlc: this.c.clock.now(), type, body } as any)
      this.writeEvent(event, false)
      this.saveDigests()
    })
    this.emit({ receivedAt: Date.now(), kind: 'event', origin: event.origin, seq: event.seq, type: event.type, event })
    return event
  }

  async ingestEvents (events: NodeEvent[], opts: { snapshot?: boolean } = {}): Promise<IngestResult> {
    const res: IngestResult = { stored: 0, duplicates: 0, gaps: 0 }
    const stored: NodeEvent[] = []
    const sorted = [...events].sort((a, b) => a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : a.seq - b.seq)
    await this.root.transaction(() => {
      let first = opts.snapshot === true
      for (const e of sorted) {
        const r = this.writeEvent(e, first)
        first = false
        if (r === 'stored') { res.stored++; stored.push(e) } else if (r === 'duplicate') res.duplicates++
        else res.gaps++
      }
      if (res.stored > 0) this.saveDigests()
    })
    const now = Date.now()
    for (const e of stored) {
      try { this.c.clock.witness(e.hlc) } catch {}
      this.emit({ receivedAt: now, kind: 'event', origin: e.origin, seq: e.seq, type: e.type, event: e })
    }
    return res
  }

  eventsFrom (origin: string, fromSeq: number, limit: number): NodeEvent[] {
    const out: NodeEvent[] = []
    for (const { value } of this.events.getRange({ start: [origin, Math.max(0, fromSeq)], end: [origin, Number.MAX_SAFE_INTEGER], limit: Math.max(0, limit) })) out.push(value)
    return out
  }

  // ---- nodes ----------------------------------------------------------------------------------

  private nodeRecord (id: string): NodeRecord {
    const stored = this.nodes.get(id)
    const beat = this.beats.get(id)
    const rec = stored != null ? { ...stored, lastHeartbeat: null, heartbeat: null } : emptyRecord(id)
    if (beat != null) { rec.heartbeat = beat.hb; rec.lastHeartbeat = beat.at; rec.name = beat.hb.name }
    return rec
  }

  private putRecord (rec: NodeRecord): void {
    const { heartbeat: _h, lastHeartbeat: _l, ...persisted } = rec
    this.nodes.put(rec.id, persisted)
  }

  async applyHeartbeat (hb: Heartbeat, receivedAt: number): Promise<void> {
    const prev = this.beats.get(hb.origin)
    if (prev != null && compareHlc(hb.hlc, prev.hb.hlc) < 0) return // an older heartbeat arriving late
    this.beats.set(hb.origin, { hb, at: receivedAt })
    const stored = this.nodes.get(hb.origin)
    if (stored == null || stored.name !== hb.name) {
      const rec = this.nodeRecord(hb.origin)
      rec.name = hb.name
      await this.nodes.put(hb.origin, { ...(stored ?? (({ heartbeat: _h, lastHeartbeat: _l, ...p }) => p)(emptyRecord(hb.origin))), name: hb.name })
    }
    this.emit({ receivedAt, kind: 'heartbeat', origin: hb.origin, seq: hb.seq, type: 'heartbeat' })
  }

  getNode (idOrName: string): NodeRecord | undefined {
    if (this.nodes.get(idOrName) != null || this.beats.has(idOrName)) return this.nodeRecord(idOrName)
    for (const { key, value } of this.nodes.getRange()) if (value.name === idOrName) return this.nodeRecord(key)
    return undefined
  }

  listNodes (filter: { state?: string } = {}): NodeRecord[] {
    const ids = new Set<string>(this.beats.keys())
    for (const { key } of this.nodes.getRange()) ids.add(key)
    const out: NodeRecord[] = []
    for (const id of ids) {
      const r = this.nodeRecord(id)
      if (filter.state == null || r.state === filter.state) out.push(r)
    }
    return out
  }

  history (nodeId: string, page: { limit: number, offset: number }): Page<HistoryItem> {
    const { limit, offset } = page
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new ValidationError(`limit must be an integer from 1 to 200, got ${String(limit)}`, 'limit', 'ERR_BAD_PAGE')
    if (!Number.isInteger(offset) || offset < 0) throw new ValidationError(`offset must be a non-negative integer, got ${String(offset)}`, 'offset', 'ERR_BAD_PAGE')
    const total = this.hist.getKeysCount({ start: [nodeId, 0], end: [nodeId, Number.MAX_SAFE_INTEGER] })
    const items: HistoryItem[] = []
    for (const { value } of this.hist.getRange({ start: [nodeId, Number.MAX_SAFE_INTEGER], end: [nodeId, -1], reverse: true, offset, limit })) items.push(value)
    return { total, limit, offset, items }
  }

  // ---- commands -------------------------------------------------------------------------------

  async putCommand (cmd: CommandEnvelope): Promise<void> {
    let stored = false
    await this.root.transaction(() => {
      if (this.commands.get(cmd.id) != null) return
      this.commands.put(cmd.id, cmd)
      this.seen.put(cmd.id, cmd.expiresAt)
      this.digests.commands = xorInto(this.digests.commands, itemHash(cmd))
      this.digests.commandCount++
      this.saveDigests()
      stored = true
    })
    if (stored) this.emit({ receivedAt: Date.now(), kind: 'command', origin: cmd.issuer, seq: null, type: cmd.action, command: cmd })
  }

  getCommand (id: string): CommandEnvelope | undefined { return this.commands.get(id) }
  listCommands (): CommandEnvelope[] { return [...this.commands.getRange()].map(e => e.value) }
  commandIds (): string[] { return [...this.commands.getKeys()] as string[] }
  hasSeen (id: string): boolean { return this.seen.get(id) != null }

  // ---- fleet data -----------------------------------------------------------------------------

  async applyRegister (reg: Register): Promise<boolean> {
    let won = false
    await this.root.transaction(() => {
      const cur = this.registers.get(reg.key)
      if (cur != null) {
        const c = compareHlc(reg.hlc, cur.hlc)
        if (c < 0 || (c === 0 && reg.commandId <= cur.commandId)) return
        this.digests.registers = xorInto(this.digests.registers, itemHash(cur))
      } else {
        this.digests.registerCount++
      }
      this.registers.put(reg.key, reg)
      this.digests.registers = xorInto(this.digests.registers, itemHash(reg))
      this.saveDigests()
      won = true
    })
    if (won) this.emit({ receivedAt: Date.now(), kind: 'register', origin: reg.commandId, seq: null, type: reg.key.split('/')[0], key: reg.key, value: reg.value })
    return won
  }

  getRegister (key: string): Register | undefined { return this.registers.get(key) }

  listRegisters (prefix: string): Register[] {
    const out: Register[] = []
    for (const { key, value } of this.registers.getRange({ start: prefix })) {
      if (!key.startsWith(prefix)) break
      out.push(value)
    }
    return out
  }

  trustList (): TrustEntry[] {
    return this.listRegisters('trust/').filter(r => r.value != null).map(r => r.value as TrustEntry)
  }

  roles (): RoleDefinition[] {
    const byName = new Map((this.init.defaultRoles ?? []).map(r => [r.name, r]))
    for (const r of this.listRegisters('role/')) {
      const name = r.key.slice('role/'.length)
      if (r.value == null) byName.delete(name)
      else byName.set(name, r.value as RoleDefinition)
    }
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name))
  }

  windows (): MaintenanceWindow[] {
    return this.listRegisters('window/').filter(r => r.value != null).map(r => r.value as MaintenanceWindow).sort((a, b) => a.start - b.start)
  }

  // ---- digests and stats ----------------------------------------------------------------------

  syncDigest (): SyncDigest {
    const origins: SyncDigest['origins'] = {}
    for (const { key, value } of this.heads.getRange()) origins[key] = value
    return {
      origins,
      commands: { count: this.digests.commandCount, hash: this.digests.commands },
      registers: { count: this.digests.registerCount, hash: this.digests.registers }
    }
  }

  replicaDigest (): string {
    return combine(this.digests.events, this.digests.commands, this.digests.registers)
  }

  /** Full scan, for tests and audits of the incremental digest. */
  recomputeReplicaDigest (): string {
    let ev = ZERO
    let cmd = ZERO
    let reg = ZERO
    for (const { value } of this.events.getRange()) ev = xorInto(ev, itemHash(value))
    for (const { value } of this.commands.getRange()) cmd = xorInto(cmd, itemHash(value))
    for (const { value } of this.registers.getRange()) reg = xorInto(reg, itemHash(value))
    return combine(ev, cmd, reg)
  }

  stats (): StoreStats {
    const nodes = this.listNodes()
    const byState: Record<string, number> = {}
    const byRole: Record<string, number> = {}
    let transitions = 0
    for (const n of nodes) {
      byState[n.state] = (byState[n.state] ?? 0) + 1
      transitions += n.transitions
      for (const [role, d] of Object.entries(n.heartbeat?.detectedRoles ?? {})) if (d.status === 'active') byRole[role] = (byRole[role] ?? 0) + 1
    }
    for (const r of this.listRegisters('assign/')) {
      if (r.value == null) continue
      const role = r.key.slice(r.key.lastIndexOf('/') + 1)
      byRole[role] = (byRole[role] ?? 0) + 1
    }
    return { nodes: nodes.length, byState, byRole, roles: this.roles().length, transitions, events: this.events.getKeysCount(), commands: this.digests.commandCount }
  }

  sizeBytes (): number {
    try { return statSync(join(this.init.path, 'data.mdb')).size } catch { return 0 }
  }
}
