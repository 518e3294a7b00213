/**
 * A bystander's copy of a command: a node action (maintenance, admit, retire...) whose target is
 * some other member. Every member stores every command (anti-entropy, the audit trail), but only
 * the target acts on it, and what the fleet watches is the target's transition that follows: its
 * events reach every member while the members are still verifying and storing the command
 * (~1.5 ms of CPU each, a verification and a durable write). A bystander's copy can wait:
 * BystanderQueue holds it, so the transition's events get the CPU first; the daemon hands it on
 * once those events are stored, and the timer only catches a command no events follow. Then it is
 * stored lazily (BYSTANDER_STORE_MS): with the next write, not in a commit (an fsync) of its own.
 * Commands a node acts on (it is a target, or the command writes fleet data) are never held.
 */
import type { CommandEnvelope } from '../../protocol/types.js'
import { EarliestTimer } from '../daemon/earliest-timer.js'
import { NODE_ACTIONS } from './policy.js'
import { matchesTarget, type TargetSubject } from './target.js'

/** @default 500 — how long a bystander's copy waits: past the transition that usually follows. */
export const BYSTANDER_DELAY_MS = 500
/**
 * @default 500 — a checked bystander's copy waits this long at most for another write to ride
 * with (store/writer.ts lazyMs): on a busy member the next events' commit, so no fsync and wakeup
 * of its own. At 30 daemons on one host (one fleet, half each way, 300 transitions): checked after
 * the events, each in a commit of its own, members took 12-16 % more CPU; stored lazily, CPU was
 * within ±4 % of checking it first in the events' transaction, and a member's store time after the
 * origin's 2-9 % lower at p50 and p90.
 */
export const BYSTANDER_STORE_MS = 500
/** Held copies beyond this go to the store at once: a burst is not buffered without bound. */
export const MAX_HELD = 1000

/** A node action for other members only: this node stores it but does not act on it. Pure. */
export function isBystander (cmd: CommandEnvelope, self: TargetSubject): boolean {
  return NODE_ACTIONS.has(cmd.action) && !matchesTarget(cmd.target, self)
}

/**
 * A node action for `self` alone: every other member is a bystander to it, so nothing is lost if
 * they get it with the events of its application rather than before them. Pure.
 */
export function isOwnAction (cmd: CommandEnvelope, self: TargetSubject): boolean {
  const { target } = cmd
  return NODE_ACTIONS.has(cmd.action) && target.kind === 'nodes' && target.nodes.length > 0 &&
    target.nodes.every(n => n === self.id || n === self.name)
}

export class BystanderQueue {
  private held: CommandEnvelope[] = []
  private readonly timer = new EarliestTimer(() => { this.flush() })
  private readonly receive: (cmd: CommandEnvelope) => void
  private readonly delayMs: number

  constructor (receive: (cmd: CommandEnvelope) => void, delayMs = BYSTANDER_DELAY_MS) {
    this.receive = receive
    this.delayMs = delayMs
  }

  add (cmd: CommandEnvelope): void {
    this.held.push(cmd)
    if (this.held.length >= MAX_HELD) this.flush()
    else this.timer.within(this.delayMs)
  }

  /** Hands every held copy on now (also at shutdown, before the store closes). */
  flush (): void {
    this.timer.cancel()
    const held = this.held
    this.held = []
    for (const cmd of held) this.receive(cmd)
  }

  get size (): number { return this.held.length }
}
