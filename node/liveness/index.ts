/**
 * Liveness is observed, not authored (DESIGN "Replication"): each replica decides alive / suspect /
 * unreachable for every peer from when its heartbeats arrived and what our connections say. Pure:
 * time is passed in.
 *
 * A closed connection is the fastest signal (kill -9 resets the socket at once; a silent partition
 * shows as heartbeats stopping, and the daemon then hangs up), but one lost connection is not death
 * while heartbeats still arrive through other peers (relays, lazy gossip) — so a disconnect only
 * counts when no heartbeat came after it, and it only ends in `unreachable` before the heartbeat
 * ages do when a dial right after it was refused: nothing listens there any more (kill -9, a
 * stopped daemon). A link that closed while the member lives on (a refused or pruned connection,
 * a lost route) leaves it `suspect` until a heartbeat comes another way or the ages run out:
 * otherwise a member alive behind a missing link was `unreachable` for as long as its next beat
 * took to come round through others, longer than the grace at any interval above it.
 */
import type { Liveness } from '../../protocol/types.js'

export interface LivenessInit {
  /** Heartbeat interval the peer announced (ms). */
  intervalMs: number
  /** Missed intervals before `suspect`. @default 3 */
  suspectMultiplier?: number
  /** Missed intervals before `unreachable`. @default 6 */
  unreachableMultiplier?: number
  /**
   * After a disconnect with no later heartbeat: `suspect` at once, and `unreachable` this long after
   * it if a redial was refused (else when the heartbeat ages say so). @default 2000
   */
  disconnectGraceMs?: number
}

export interface PeerObservation {
  lastHeartbeat: number | null
  /** ms of the last time our last connection to the peer closed; null if connected or never. */
  disconnectedAt: number | null
  connected: boolean
  /** ms when a dial after the last disconnect found nothing listening (connection refused). */
  refusedAt?: number | null
  /**
   * ms since the last heartbeat that we ourselves were stalled (blindWithin): not held against the
   * peer, whose heartbeats we could not have taken then.
   */
  blindMs?: number
}

/** A stretch in which our own process ran nothing: frozen (SIGSTOP, a paused VM), a blocked loop. */
export interface Stall { from: number, to: number }

/**
 * How much of [since, until] falls in our own stalls. A paused VM (a snapshot) or a frozen daemon
 * wakes to heartbeats that look old: every member seemed silent for the length of the pause, and
 * was marked suspect on every observer until its next beat (seen: 414 false suspects in a soak of
 * 30 daemons at the instant the host VM was snapshotted). Ages count only time we were listening.
 */
export function blindWithin (stalls: readonly Stall[], since: number, until: number): number {
  let ms = 0
  for (const s of stalls) ms += Math.max(0, Math.min(s.to, until) - Math.max(s.from, since))
  return ms
}

export const DEFAULT_SUSPECT_MULTIPLIER = 3
export const DEFAULT_UNREACHABLE_MULTIPLIER = 6
export const DEFAULT_DISCONNECT_GRACE_MS = 2000

export function livenessOf (obs: PeerObservation, init: LivenessInit, now: number): Liveness {
  const suspectAfter = init.intervalMs * (init.suspectMultiplier ?? DEFAULT_SUSPECT_MULTIPLIER)
  const unreachableAfter = init.intervalMs * (init.unreachableMultiplier ?? DEFAULT_UNREACHABLE_MULTIPLIER)
  if (obs.lastHeartbeat == null) return obs.connected ? 'alive' : 'unreachable'
  const age = now - obs.lastHeartbeat - (obs.blindMs ?? 0)
  if (age > unreachableAfter) return 'unreachable'
  const lostAfterLastBeat = !obs.connected && obs.disconnectedAt != null && obs.disconnectedAt >= obs.lastHeartbeat
  if (lostAfterLastBeat) {
    const gone = obs.refusedAt != null && obs.refusedAt >= obs.disconnectedAt!
    return gone && now - obs.disconnectedAt! >= (init.disconnectGraceMs ?? DEFAULT_DISCONNECT_GRACE_MS) ? 'unreachable' : 'suspect'
  }
  if (age > suspectAfter) return 'suspect'
  return 'alive'
}

/**
 * When `livenessOf` next gives another answer if nothing new is observed: the next of its
 * breakpoints (suspect age, unreachable age, end of the disconnect grace) where it changes, or
 * null when it never will (never heard, or already unreachable for good). A tracker sleeps until
 * then instead of polling every member every tick.
 */
export function nextChangeAt (obs: PeerObservation, init: LivenessInit, now: number): number | null {
  if (obs.lastHeartbeat == null) return null
  const current = livenessOf(obs, init, now)
  // Ages start from the last heartbeat, later by the time we were blind since (no new stall assumed).
  const heard = obs.lastHeartbeat + (obs.blindMs ?? 0)
  const breakpoints = [
    // `age > after`: the first whole millisecond past each age threshold.
    heard + init.intervalMs * (init.suspectMultiplier ?? DEFAULT_SUSPECT_MULTIPLIER) + 1,
    heard + init.intervalMs * (init.unreachableMultiplier ?? DEFAULT_UNREACHABLE_MULTIPLIER) + 1,
    ...(obs.disconnectedAt != null ? [obs.disconnectedAt + (init.disconnectGraceMs ?? DEFAULT_DISCONNECT_GRACE_MS)] : [])
  ].filter((t) => t > now).sort((a, b) => a - b)
  return breakpoints.find((t) => livenessOf(obs, init, t) !== current) ?? null
}

export function countLiveness (values: Iterable<Liveness>): Record<Liveness, number> {
  const out: Record<Liveness, number> = { alive: 0, suspect: 0, unreachable: 0 }
  for (const v of values) out[v]++
  return out
}
