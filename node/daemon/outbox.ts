/**
 * Our own events on their way to gossip. Outside a batch each event goes out as soon as it is
 * durable, as before. Inside `batch(fn)` they are held and go out together, in seq order, as one
 * `events` message when the outermost batch ends: an operator's node action writes three events
 * (accepted, the transition, the final result) and every other member paid the per-message cost
 * (envelope signature, decryption, decoding, a store commit) three times. A batch never holds an
 * event longer than `maxHoldMs`, so a long action (an install) still reports as it goes.
 *
 * A state transition, what operators watch for, is held `transitionHoldMs` at most: long enough
 * for the action's result to commit and join it in the usual case, short enough that a slow step
 * after it (leaving maintenance walks offline -> recovering with work in between) does not keep
 * the fleet from seeing it: held the whole 250 ms, it reached 30 daemons ~300 ms late.
 *
 * An operator's command for this node alone, asked on our own socket, is `carry`-ed: it goes out
 * with the events of its application instead of in a message of its own just before them (one
 * message per member fewer for every such action). It is held no longer than an event.
 */
import { LIMITS } from '../../protocol/schema/common.js'
import type { CommandEnvelope, NodeEvent } from '../../protocol/types.js'
import { EarliestTimer } from './earliest-timer.js'

/** Events in one `events` message; more go out as further messages, in order. */
export const MAX_EVENTS_PER_MESSAGE = LIMITS.gossipEvents
/** Commands carried in one `events` message; more go out on their own. */
export const MAX_COMMANDS_PER_MESSAGE = LIMITS.gossipCommands
/** @default 250 — the longest a batch holds an event before sending what it has. */
export const DEFAULT_MAX_HOLD_MS = 250
/** @default 25 — the longest a batch holds a state transition (a commit or two under load). */
export const DEFAULT_TRANSITION_HOLD_MS = 25

export interface OutboxOptions {
  /**
   * Sends one or more of our events, seq-ascending, as one gossip message, with the commands they
   * carry; or carried commands alone (`events` empty) when no events came within the hold.
   */
  send: (events: NodeEvent[], commands: CommandEnvelope[]) => void
  maxHoldMs?: number
  transitionHoldMs?: number
}

export class Outbox {
  private readonly send: (events: NodeEvent[], commands: CommandEnvelope[]) => void
  private readonly maxHoldMs: number
  private readonly transitionHoldMs: number
  private held: NodeEvent[] = []
  private carried: CommandEnvelope[] = []
  private depth = 0
  private readonly timer = new EarliestTimer(() => { this.flush() })

  constructor (opts: OutboxOptions) {
    this.send = opts.send
    this.maxHoldMs = opts.maxHoldMs ?? DEFAULT_MAX_HOLD_MS
    this.transitionHoldMs = Math.min(opts.transitionHoldMs ?? DEFAULT_TRANSITION_HOLD_MS, this.maxHoldMs)
  }

  /** An event of ours is durable: send it now, or hold it for the batch in progress. */
  publish (event: NodeEvent): void {
    this.held.push(event)
    if (this.depth === 0) this.flush()
    else this.timer.within(event.type === 'transition' ? this.transitionHoldMs : this.maxHoldMs)
  }

  /** A command whose application will publish events here soon: it goes out with them. */
  carry (cmd: CommandEnvelope): void {
    this.carried.push(cmd)
    this.timer.within(this.maxHoldMs)
  }

  /** Runs `fn`; the events it (or anything else) publishes meanwhile go out together after it. */
  async batch<T> (fn: () => Promise<T>): Promise<T> {
    this.depth++
    try {
      return await fn()
    } finally {
      this.depth--
      if (this.depth === 0) this.flush()
    }
  }

  /**
   * The seq our heartbeats may announce: `durableMax`, less what is held. A heartbeat goes out at
   * once, so one naming a held event reached every member before the event and each pulled it
   * through anti-entropy (a stream and a digest exchange per member) just before it arrived.
   */
  announceable (durableMax: number): number {
    let lowest = Infinity
    for (const e of this.held) if (e.seq < lowest) lowest = e.seq
    return Math.min(durableMax, lowest - 1)
  }

  /** Sends whatever is held (also on shutdown, so nothing durable stays unsent). */
  flush (): void {
    this.timer.cancel()
    if (this.held.length === 0 && this.carried.length === 0) return
    // Commits resolve in seq order, but two writers' awaits may resume in either: sort, so the
    // receiver sees no gap inside one message.
    const events = this.held.sort((a, b) => a.seq - b.seq)
    const commands = this.carried
    this.held = []
    this.carried = []
    // Carried commands with no events to ride with, or beyond one message's share, go alone.
    const riding = events.length === 0 ? [] : commands.slice(0, MAX_COMMANDS_PER_MESSAGE)
    const alone = commands.slice(riding.length)
    if (alone.length > 0) this.send([], alone)
    for (let i = 0; i < events.length; i += MAX_EVENTS_PER_MESSAGE) this.send(events.slice(i, i + MAX_EVENTS_PER_MESSAGE), i === 0 ? riding : [])
  }
}
