/**
 * When a daemon beats. Heartbeats used to go out at a jittered interval, so every member's
 * arrived on its own and woke each receiver on its own: at 50 members on a 2-core host, 49 wakeups
 * an interval per daemon, each with cold caches, and most of an idle daemon's CPU. Now every
 * member beats on a fleet-wide grid (wall-clock multiples of the interval) in one of a few slots,
 * so a receiver takes the heartbeats of a slot's members in one wakeup, while its caches are warm.
 *
 * One slot would be cheapest for each daemon, but a fleet sharing one host (a test box, a demo)
 * would then do all its work in one burst, and anything else in that burst (a state transition
 * spreading) waits behind it. Slots of about MEMBERS_PER_SLOT keep each burst short. Pure: no I/O.
 */

/** @default 10 — members that beat in the same slot. */
export const MEMBERS_PER_SLOT = 10

/** How many slots an interval has for a fleet of `members` (ourselves included). */
export function slotsFor (members: number): number {
  return Math.max(1, Math.ceil(members / MEMBERS_PER_SLOT))
}

/** A member's slot: a stable spread of its id (FNV-1a) over `slots`. */
export function slotOf (id: string, slots: number): number {
  let h = 0x811c9dc5
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h % slots
}

/**
 * The next beat: the first time after `now` on our slot's grid that is at least half an interval
 * after `lastBeatAt` (a beat made early, or a slot that moved as the fleet grew, does not bring
 * two beats close together). The gap between beats is then at most 1.5 intervals (1.75 with
 * beatHold below), well inside the suspect window (3 intervals by default).
 */
export function nextBeatAt (now: number, lastBeatAt: number | undefined, intervalMs: number, slot: number, slots: number): number {
  const offset = (slot % slots) * intervalMs / slots
  const since = ((now - offset) % intervalMs + intervalMs) % intervalMs
  let at = now - since + intervalMs
  if (lastBeatAt !== undefined) while (at - lastBeatAt < intervalMs / 2) at += intervalMs
  return at
}

/**
 * A state change spreading through the fleet goes before heartbeats. On a host shared by many
 * daemons, a slot's burst of beats (each sent to every peer and checked by every receiver) that
 * fell inside a transition's spread held the transition's last receivers back by 100-250 ms:
 * the slowest tenth of propagation samples at 30 daemons had ~6 beats in their window, the
 * fastest half none. So gossiped or published events quiet our beats for BEAT_QUIET_MS...
 */
export const BEAT_QUIET_MS = 250

/** ...but a due beat is never held longer than this share of the interval (gaps stay < 1.75 intervals). */
export const BEAT_HOLD_SHARE = 0.25

/**
 * How long to hold a beat due at `dueAt` while events spread (`quietUntil`): until the quiet ends,
 * at most BEAT_HOLD_SHARE of the interval past the due time; 0 = beat now.
 */
export function beatHold (now: number, dueAt: number, quietUntil: number, intervalMs: number): number {
  return Math.max(0, Math.min(quietUntil, dueAt + intervalMs * BEAT_HOLD_SHARE) - now)
}
