/**
 * Keeps the dashboard's picture of the fleet live: one initial fetch, then every `ReplicaChange`
 * from the subscription. Cheap changes (heartbeats, liveness, a transition's new state) are
 * patched in place; anything else refetches `nodes`/`status`, coalesced to at most one refetch per
 * `refetchMs` (Serf `coalesce.go`: many changes, one update), so a change is on screen well within
 * a second without 1,000 heartbeats a second becoming 1,000 refetches.
 */
import type { CommandResultView, NodeView, ReplicaChange, StatusView } from '../../protocol/control.js'
import type { Heartbeat, RoleDefinition } from '../../protocol/types.js'
import { EVENT_RING_SIZE, HEARTBEAT_REFETCH_MS, REFETCH_INTERVAL_MS, RESULT_LINES } from '../constants.js'
import type { ChangeKind } from '../render/colour.js'
import type { FleetSource } from '../source.js'
import { EMPTY_FLEET, type FleetData, type RowChange } from './fleet-data.js'

export interface FleetStoreInit {
  /** @default REFETCH_INTERVAL_MS */
  refetchMs?: number
  /**
   * A heartbeat change without the heartbeat in `value` (the daemon's store sends only the
   * notice) makes the list stale, not wrong: such changes refetch at most this often.
   * @default HEARTBEAT_REFETCH_MS
   */
  heartbeatRefetchMs?: number
  /** Changes arriving within this window share one render. @default 8 */
  flushMs?: number
  /** @default EVENT_RING_SIZE */
  ringSize?: number
  now?: () => number
}

export class FleetStore {
  private data: FleetData = EMPTY_FLEET
  private readonly listeners = new Set<() => void>()
  private readonly init: Required<FleetStoreInit>
  private source: FleetSource | null = null
  private generation = 0
  private unsubscribe: (() => void) | null = null
  // Working copies, published as a new snapshot on flush.
  private nodes: NodeView[] = []
  private index = new Map<string, number>()
  private changed = new Map<string, RowChange>()
  private events: ReplicaChange[] = []
  private results: CommandResultView[] = []
  private heartbeats = 0
  private codeVersion = 0
  private flushTimer: ReturnType<typeof setTimeout> | null = null
  private refetchTimer: ReturnType<typeof setTimeout> | null = null
  private inFlight = false
  private dirty = false
  /** The shortest refetch gap asked for since the last refetch started. */
  private dirtyGap = Number.POSITIVE_INFINITY
  private wantRoles = false
  private lastRefetch = 0
  private refetchDue = 0

  constructor (init: FleetStoreInit = {}) {
    this.init = {
      refetchMs: init.refetchMs ?? REFETCH_INTERVAL_MS,
      heartbeatRefetchMs: init.heartbeatRefetchMs ?? HEARTBEAT_REFETCH_MS,
      flushMs: init.flushMs ?? 8,
      ringSize: init.ringSize ?? EVENT_RING_SIZE,
      now: init.now ?? Date.now
    }
  }

  /** For `useSyncExternalStore`. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  readonly getSnapshot = (): FleetData => this.data

  /** Starts following `source`: subscribe first so nothing between fetch and subscribe is lost. */
  async attach (source: FleetSource): Promise<void> {
    this.detach()
    const gen = ++this.generation
    this.source = source
    const off = await source.subscribe((c) => { if (gen === this.generation) this.apply(c) })
    if (gen !== this.generation) { off(); return }
    this.unsubscribe = off
    this.wantRoles = true
    await this.refetch()
  }

  detach (): void {
    this.generation++
    try { this.unsubscribe?.() } catch { /* the connection may already be gone */ }
    this.unsubscribe = null
    this.source = null
    if (this.refetchTimer != null) clearTimeout(this.refetchTimer)
    this.refetchTimer = null
    this.inFlight = false
  }

  stop (): void {
    this.detach()
    if (this.flushTimer != null) clearTimeout(this.flushTimer)
    this.flushTimer = null
  }

  /** Applies one replica change (public for tests and the bench). */
  apply (c: ReplicaChange): void {
    if (c.kind === 'heartbeat') {
      this.heartbeats++
      if (!this.patchHeartbeat(c)) this.scheduleRefetch(false, this.init.heartbeatRefetchMs)
    } else {
      this.events.push(c)
      if (this.events.length > this.init.ringSize) this.events.splice(0, this.events.length - this.init.ringSize)
      this.applyOther(c)
    }
    this.scheduleFlush()
  }

  private patchHeartbeat (c: ReplicaChange): boolean {
    const i = this.index.get(c.origin)
    const hb = c.value as Partial<Heartbeat> | undefined
    if (i == null || hb == null || typeof hb !== 'object' || hb.health == null) return false
    const old = this.nodes[i]
    this.nodes[i] = {
      ...old,
      health: hb.health,
      state: hb.state ?? old.state,
      versions: hb.versions ?? old.versions,
      tags: hb.tags ?? old.tags,
      liveness: 'alive',
      lastHeartbeat: c.receivedAt
    }
    if (hb.state != null && hb.state !== old.state) this.mark(c.origin, 'state')
    return true
  }

  private applyOther (c: ReplicaChange): void {
    const i = this.index.get(c.origin)
    if (c.kind === 'liveness' && c.liveness != null && i != null) {
      this.nodes[i] = { ...this.nodes[i], liveness: c.liveness }
      this.mark(c.origin, 'liveness')
      return
    }
    const ev = c.event
    if (ev?.type === 'transition' && i != null) {
      this.nodes[i] = { ...this.nodes[i], state: ev.body.to }
      this.mark(c.origin, 'state')
    } else if (ev?.type === 'command_result') {
      this.results.push({
        commandId: ev.body.commandId,
        node: ev.origin,
        nodeName: i != null ? this.nodes[i].name : ev.origin,
        status: ev.body.status,
        reason: ev.body.reason,
        at: c.receivedAt
      })
      if (this.results.length > RESULT_LINES) this.results.splice(0, this.results.length - RESULT_LINES)
      this.mark(c.origin, 'command')
    } else if (c.type.startsWith('code') || c.kind === 'register') {
      this.codeVersion++
      if (i != null) this.mark(c.origin, 'code')
    }
    this.scheduleRefetch(c.kind === 'register')
  }

  private mark (id: string, kind: ChangeKind): void {
    this.changed.set(id, { kind, at: this.init.now() })
  }

  private scheduleFlush (): void {
    if (this.flushTimer != null) return
    this.flushTimer = setTimeout(() => { this.flushTimer = null; this.publish({}) }, this.init.flushMs)
  }

  private publish (patch: Partial<FleetData>): void {
    this.data = {
      ...this.data,
      nodes: [...this.nodes],
      changed: new Map(this.changed),
      events: [...this.events],
      results: [...this.results],
      heartbeats: this.heartbeats,
      codeVersion: this.codeVersion,
      ...patch
    }
    for (const l of this.listeners) l()
  }

  private scheduleRefetch (roles: boolean, gapMs = this.init.refetchMs): void {
    this.wantRoles ||= roles
    this.dirty = true
    this.dirtyGap = Math.min(this.dirtyGap, gapMs)
    if (this.inFlight || this.source == null) return
    const due = this.lastRefetch + gapMs
    // A more urgent change (a transition after a heartbeat) pulls a scheduled refetch forward.
    if (this.refetchTimer != null) {
      if (due >= this.refetchDue) return
      clearTimeout(this.refetchTimer)
    }
    this.refetchDue = due
    this.refetchTimer = setTimeout(() => { this.refetchTimer = null; void this.refetch() }, Math.max(0, due - this.init.now()))
  }

  private async refetch (): Promise<void> {
    const source = this.source
    if (source == null) return
    const gen = this.generation
    const wantRoles = this.wantRoles
    this.dirty = false
    this.dirtyGap = Number.POSITIVE_INFINITY
    this.wantRoles = false
    this.inFlight = true
    this.lastRefetch = this.init.now()
    try {
      const [status, nodes, roles] = await Promise.all([
        source.call<StatusView>('status'),
        source.call<NodeView[]>('nodes'),
        wantRoles ? source.call<RoleDefinition[]>('roles') : Promise.resolve(null)
      ])
      if (gen !== this.generation) return
      this.setNodes(nodes)
      this.publish({ status, loaded: true, error: null, ...(roles != null ? { roles } : {}) })
    } catch (err: any) {
      if (gen !== this.generation) return
      this.wantRoles ||= wantRoles
      this.publish({ error: String(err?.message ?? err) })
    } finally {
      if (gen === this.generation) {
        this.inFlight = false
        if (this.dirty) this.scheduleRefetch(false, this.dirtyGap)
      }
    }
  }

  private setNodes (nodes: NodeView[]): void {
    const known = this.index
    const firstLoad = !this.data.loaded
    this.nodes = [...nodes]
    this.index = new Map(nodes.map((n, i) => [n.id, i]))
    if (!firstLoad) for (const n of nodes) if (!known.has(n.id)) this.mark(n.id, 'added')
  }
}
