/**
 * Tracks what our connections say about each peer and keeps their liveness current, emitting only
 * changes (the TUI and `slm events` see transitions, not samples). Liveness changes on its own only
 * at a few known times (a silent peer's suspect and unreachable ages, the end of a disconnect's
 * grace): one timer sleeps until the earliest of them, instead of a tick polling every member every
 * second on every daemon (~0.4 % of an idle daemon's CPU at 50 members).
 */
import type { Liveness } from '../../protocol/types.js'
import { blindWithin, livenessOf, nextChangeAt, type LivenessInit, type PeerObservation, type Stall } from '../liveness/index.js'
import { EarliestTimer } from './earliest-timer.js'

const RETRY_MS = 1000
/** Our liveness timer this late means we ran nothing for that long (a frozen process or host). */
export const STALL_MIN_MS = 1000
/** A stall is taken to start at most this long before the late timer's deadline. */
const MAX_STALL_LEAD_MS = 60_000
/** Stalls remembered: older ones no longer overlap any live member's heartbeat age. */
const MAX_STALLS = 32

interface PeerState {
  connected: boolean
  disconnectedAt: number | null
  /** When a dial after the last disconnect was refused (liveness: the member is gone). */
  refusedAt: number | null
  liveness: Liveness
}

export interface PeerTrackerComponents {
  /** Last heartbeat time and announced interval of a node, from the replica. */
  heartbeatOf: (id: string) => { at: number | null, intervalMs: number }
  /** Every node id the replica knows, except ourselves. */
  knownIds: () => Iterable<string>
  onChange: (id: string, liveness: Liveness, previous: Liveness | undefined) => void
  now?: () => number
}

export class PeerTracker {
  private readonly peers = new Map<string, PeerState>()
  private readonly init: Omit<LivenessInit, 'intervalMs'>
  private readonly c: PeerTrackerComponents
  /**
   * Due at the earliest time some peer's liveness changes unless something new is heard. A pass
   * that fails part-way (a listener threw) may not have re-armed it: it tries again in a second.
   */
  private readonly timer = new EarliestTimer((lateMs) => {
    this.stalled(lateMs)
    try { this.evaluate() } catch { if (this.running) this.timer.within(RETRY_MS) }
  }, () => this.now())
  private running = false
  /** Our own stalls, oldest first (liveness blindWithin). */
  private readonly stalls: Stall[] = []
  /** When we last evaluated anything: a stall began no later (the timer's deadline may be after it). */
  private lastRan = -Infinity

  constructor (init: Omit<LivenessInit, 'intervalMs'>, components: PeerTrackerComponents) {
    this.init = init
    this.c = components
  }

  start (): void {
    this.running = true
    this.evaluate()
  }

  stop (): void {
    this.running = false
    this.timer.cancel()
  }

  connected (id: string): void {
    const p = this.state(id)
    p.connected = true
    p.disconnectedAt = null
    p.refusedAt = null
    this.evaluateOne(id)
  }

  /**
   * A kill -9 shows here first: `suspect` now, and `unreachable` when the grace ends (the timer) if
   * the redial the daemon makes at once is refused (`refused`).
   */
  disconnected (id: string): void {
    const p = this.state(id)
    p.connected = false
    p.disconnectedAt = this.now()
    p.refusedAt = null
    this.evaluateOne(id)
  }

  /** A dial after the disconnect was refused: nothing listens there, `unreachable` once the grace ends. */
  refused (id: string): void {
    const p = this.state(id)
    if (p.connected || p.disconnectedAt == null) return
    p.refusedAt = this.now()
    this.evaluateOne(id)
  }

  /** Our last connection to `id` closed less than `ms` ago and none is open now. */
  lostWithin (id: string, ms: number): boolean {
    const p = this.peers.get(id)
    return p != null && !p.connected && p.disconnectedAt != null && this.now() - p.disconnectedAt < ms
  }

  isConnected (id: string): boolean {
    return this.peers.get(id)?.connected ?? false
  }

  livenessOf (id: string): Liveness {
    return this.state(id).liveness
  }

  /** A heartbeat from `id` arrived: only its liveness can have changed. */
  heard (id: string): void {
    this.evaluateOne(id)
  }

  /**
   * Every known peer, again. The timer runs this; a heartbeat only moves its sender's next change
   * later, so the timer may wake early, finds nothing, and sleeps until the new earliest time.
   */
  evaluate (): void {
    for (const id of this.c.knownIds()) this.evaluateOne(id)
  }

  /**
   * The timer ran `lateMs` past its deadline: for that long this process ran nothing and took no
   * heartbeat (SIGSTOP, a paused or snapshotted VM, a blocked loop, a wall clock stepped forward).
   * Recorded before the pass it delays, which would otherwise count the stall against every peer.
   */
  private stalled (lateMs: number): void {
    if (lateMs < STALL_MIN_MS) return
    const to = this.now()
    // From our last sign of life, not the deadline: the deadline is the earliest member's suspect
    // age, so counting from it would leave that member just past it on waking.
    this.stalls.push({ from: Math.max(Math.min(this.lastRan, to - lateMs), to - lateMs - MAX_STALL_LEAD_MS), to })
    if (this.stalls.length > MAX_STALLS) this.stalls.shift()
  }

  private evaluateOne (id: string): void {
    const p = this.state(id)
    const next = this.update(id, p)
    if (next !== p.liveness) {
      const prev = p.liveness
      p.liveness = next
      this.c.onChange(id, next, prev)
    }
  }

  /** `id`'s liveness now; arms the timer for when it would next change. */
  private update (id: string, p: Pick<PeerState, 'connected' | 'disconnectedAt' | 'refusedAt'>): Liveness {
    const hb = this.c.heartbeatOf(id)
    const now = this.now()
    this.lastRan = now
    const blindMs = hb.at == null ? 0 : blindWithin(this.stalls, hb.at, now)
    const obs: PeerObservation = { lastHeartbeat: hb.at, connected: p.connected, disconnectedAt: p.disconnectedAt, refusedAt: p.refusedAt, blindMs }
    const init = { ...this.init, intervalMs: hb.intervalMs }
    if (this.running) {
      const at = nextChangeAt(obs, init, now)
      if (at != null) this.timer.within(Math.max(1, at - now))
    }
    return livenessOf(obs, init, now)
  }

  private state (id: string): PeerState {
    let p = this.peers.get(id)
    if (p == null) {
      // First sight: no "unreachable -> alive" change is emitted for what we never saw before.
      const fresh = { connected: false, disconnectedAt: null, refusedAt: null }
      p = { ...fresh, liveness: this.update(id, fresh) }
      this.peers.set(id, p)
    }
    return p
  }

  private now (): number {
    return this.c.now?.() ?? Date.now()
  }
}
