/**
 * A one-shot timer that can only be brought forward: `within(ms)` arms it to fire in `ms` unless
 * it is already due sooner, so a stream of requests never holds it off. The outbox's hold bounds
 * and the code manager's tick both want exactly this.
 */
export class EarliestTimer {
  private timer: NodeJS.Timeout | undefined
  /** When the armed timer fires (ms since epoch); Infinity when none is armed. */
  private due = Infinity

  private readonly fire: (lateMs: number) => void
  private readonly now: () => number

  /**
   * `fire` gets how late it runs (ms past its deadline by `now`): a timer far behind says our own
   * process was not running (peers.ts).
   */
  // No parameter properties: tests load some modules with Node's type stripping, which lacks them.
  constructor (fire: (lateMs: number) => void, now: () => number = Date.now) {
    this.fire = fire
    this.now = now
  }

  /** Fires within `ms`, keeping an earlier deadline. */
  within (ms: number): void {
    const due = this.now() + ms
    if (this.timer !== undefined && this.due <= due) return
    clearTimeout(this.timer)
    this.due = due
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.due = Infinity
      this.fire(this.now() - due)
    }, ms)
  }

  cancel (): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.due = Infinity
  }
}
