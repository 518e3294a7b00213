/**
 * Bounded polling: convergence is waited for, never slept for (STYLE.md, tests). Every loop has a
 * deadline and a cap on attempts, and the timeout error says what was awaited and the last failure.
 */

export interface WaitOptions {
  /** @default 30000 */
  timeoutMs?: number
  /** @default 250 */
  intervalMs?: number
  /** What is awaited, for the timeout message. */
  what?: string
}

export class WaitTimeoutError extends Error {
  readonly code = 'ERR_WAIT_TIMEOUT'
  constructor (what: string, timeoutMs: number, last?: unknown) {
    const why = last instanceof Error ? `: last error: ${last.message}` : ''
    super(`timed out after ${timeoutMs} ms waiting for ${what}${why}`)
    this.name = 'WaitTimeoutError'
  }
}

/** Thrown by a predicate to end the wait at once (the awaited thing can no longer happen). */
export class WaitAbort extends Error {
  readonly reason: Error

  constructor (reason: Error) {
    super(reason.message)
    this.reason = reason
    this.name = 'WaitAbort'
  }
}

export const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/**
 * Polls `predicate` until it returns a truthy value (returned) or `timeoutMs` passes (throws).
 * A throwing predicate counts as "not yet"; its last error is kept for the timeout message.
 * Throwing a `WaitAbort` ends the wait with its reason.
 */
export async function waitFor<T> (predicate: () => T | Promise<T>, opts: WaitOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 30_000
  const intervalMs = Math.max(10, opts.intervalMs ?? 250)
  const deadline = Date.now() + timeoutMs
  const maxAttempts = Math.ceil(timeoutMs / intervalMs) + 1
  let last: unknown
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    try {
      const value = await predicate()
      if (value != null && value !== false && (value as unknown) !== 0 && (value as unknown) !== '') return value as NonNullable<T>
    } catch (err) {
      if (err instanceof WaitAbort) throw err.reason
      last = err
    }
    const left = deadline - Date.now()
    if (left <= 0) break
    await sleep(Math.min(intervalMs, left))
  }
  throw new WaitTimeoutError(opts.what ?? 'a condition', timeoutMs, last)
}
