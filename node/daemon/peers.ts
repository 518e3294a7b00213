/**
 * Tracks what our connections say about each peer and recomputes liveness on a short tick,
 * emitting only changes (the TUI and `slm events` see transitions, not samples).
 */
import type { Liveness } from '../../protocol/types.js'
import { DEFAULT_DISCONNECT_GRACE_MS, livenessOf, type LivenessInit } from '../liveness/index.js'

interface PeerState {
  connected: boolean
  disconnectedAt: number | null
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
  private timer?: NodeJS.Timeout
  /** One per peer whose last connection closed: decides `unreachable` when the grace ends. */
  private readonly graceTimers = new Map<string, NodeJS.Timeout>()

  constructor (init: Omit<LivenessInit, 'intervalMs'>, components: PeerTrackerComponents) {
    this.init = init
    this.c = components
  }

  start (tickMs = 250): void {
    this.timer = setInterval(() => {
      try { this.evaluate() } catch {}
    }, tickMs)
    this.timer.unref()
  }

  stop (): void {
    clearInterval(this.timer)
    for (const t of this.graceTimers.values()) clearTimeout(t)
    this.graceTimers.clear()
  }

  connected (id: string): void {
    const p = this.state(id)
    p.connected = true
    p.disconnectedAt = null
    this.evaluateOne(id)
  }

  disconnected (id: string): void {
    const p = this.state(id)
    p.connected = false
    p.disconnectedAt = this.now()
    this.evaluateOne(id)
    // A kill -9 shows here first: it is unreachable when the grace ends, not at the next tick
    // (which may be up to a second later).
    clearTimeout(this.graceTimers.get(id))
    const t = setTimeout(() => {
      this.graceTimers.delete(id)
      this.evaluateOne(id)
    }, (this.init.disconnectGraceMs ?? DEFAULT_DISCONNECT_GRACE_MS) + 1)
    t.unref()
    this.graceTimers.set(id, t)
  }

  isConnected (id: string): boolean {
    return this.peers.get(id)?.connected ?? false
  }

  livenessOf (id: string): Liveness {
    return this.peers.get(id)?.liveness ?? this.compute(id, this.state(id))
  }

  /** A heartbeat from `id` arrived: only its liveness can have changed (the tick does the rest). */
  heard (id: string): void {
    this.evaluateOne(id)
  }

  evaluate (): void {
    for (const id of this.c.knownIds()) this.evaluateOne(id)
  }

  private evaluateOne (id: string): void {
    const p = this.state(id)
    const next = this.compute(id, p)
    if (next !== p.liveness) {
      const prev = p.liveness
      p.liveness = next
      this.c.onChange(id, next, prev)
    }
  }

  private compute (id: string, p: PeerState): Liveness {
    const hb = this.c.heartbeatOf(id)
    return livenessOf({ lastHeartbeat: hb.at, connected: p.connected, disconnectedAt: p.disconnectedAt }, { ...this.init, intervalMs: hb.intervalMs }, this.now())
  }

  private state (id: string): PeerState {
    let p = this.peers.get(id)
    if (p == null) {
      p = { connected: false, disconnectedAt: null, liveness: 'unreachable' }
      this.peers.set(id, p)
      // first sight: compute without emitting a spurious "unreachable -> alive" change
      p.liveness = this.compute(id, p)
    }
    return p
  }

  private now (): number {
    return this.c.now?.() ?? Date.now()
  }
}
