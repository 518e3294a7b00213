/**
 * Beat relays. Each beat slot (beat-schedule.ts) has one relay: the member with the lowest id
 * among the slot's members it is connected to. Members send their signed heartbeats to the
 * slot's relay topic, which only the relay subscribes to; the relay sends them on to everyone as
 * one `beats` message (protocol/relayed-beat.ts). A daemon then takes a message per slot, not per
 * member, an interval: at 50 members ~5 instead of 49, and publishing costs a member one send, not
 * one to every peer.
 *
 * Nothing depends on the relay being there. A member that finds no subscriber for its slot's topic
 * (the relay just died, or members disagree on who it is while the fleet changes) publishes
 * directly, as one whose beat is not relayed in time (relayWaitMs) does; receivers take both
 * forms, and the older of two copies is dropped by its HLC.
 */
import { FLEET_TOPIC } from '../net/constants.js'
import { LIMITS } from '../../protocol/schema.js'
import type { SignedBeat } from '../../protocol/types.js'
import { slotOf } from './beat-schedule.js'

/** @default 40 — a relay sends its bundle this long after the first beat of a burst reached it. */
export const BEAT_GATHER_MS = 40
/**
 * @default 1000 — a member whose beat no bundle carried by then publishes it directly (at most half
 * an interval: relayWaitMs). Long enough for a relay on a loaded host, and a beat lost with its
 * relay still arrives well inside the suspect window (3 intervals).
 */
export const BEAT_RELAY_WAIT_MS = 1000

/** How long a member waits for a bundle to carry its beat before it publishes it directly. */
export function relayWaitMs (intervalMs: number): number {
  return Math.min(BEAT_RELAY_WAIT_MS, intervalMs / 2)
}
/** A bundle this large (base64url chars) goes out at once: well under the gossip message limit. */
export const MAX_BUNDLE_CHARS = 160 * 1024

/** The topic a slot's members send their beats to, for a fleet of `slots` slots. */
export function beatTopic (slots: number, slot: number): string {
  return `${FLEET_TOPIC}/beats/${slots}/${slot}`
}

/** The relay of `self`'s slot as `self` sees it: the lowest id among itself and its connected slot-mates. */
export function relayOf (self: string, peers: Iterable<string>, slots: number): string {
  const slot = slotOf(self, slots)
  let relay = self
  for (const p of peers) if (p < relay && slotOf(p, slots) === slot) relay = p
  return relay
}

/** Whether a heartbeat of this many encoded bytes may travel through a relay. */
export function relayable (bytes: number): boolean {
  return Math.ceil(bytes / 3) * 4 <= LIMITS.beatChars
}

/**
 * A relay's gathering: beats that arrive within BEAT_GATHER_MS of the first go out together; a
 * bundle that reaches MAX_BUNDLE_CHARS or LIMITS.bundleBeats goes out at once.
 */
export class BeatGatherer {
  private pending: SignedBeat[] = []
  private chars = 0
  private timer: NodeJS.Timeout | undefined
  private readonly send: (beats: SignedBeat[]) => void
  private readonly gatherMs: number

  constructor (send: (beats: SignedBeat[]) => void, gatherMs = BEAT_GATHER_MS) {
    this.send = send
    this.gatherMs = gatherMs
  }

  add (beat: SignedBeat): void {
    if (this.pending.length >= LIMITS.bundleBeats || this.chars + beat.hb.length > MAX_BUNDLE_CHARS) this.flush()
    this.pending.push(beat)
    this.chars += beat.hb.length
    this.timer ??= setTimeout(() => { this.flush() }, this.gatherMs)
  }

  flush (): void {
    clearTimeout(this.timer)
    this.timer = undefined
    if (this.pending.length === 0) return
    const beats = this.pending
    this.pending = []
    this.chars = 0
    this.send(beats)
  }

  stop (): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.pending = []
    this.chars = 0
  }
}
