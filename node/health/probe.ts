/**
 * A cached async probe: its value is served from memory until `ttlMs` has passed, concurrent
 * refreshes share one in-flight call, and a failed refresh keeps the last good value (stale
 * health is better than none) and waits a full TTL before trying again, so a broken tool is not
 * forked on every tick.
 */

export interface Probe<T> {
  /** The cached value, refreshed first when older than the TTL (or when forced). Never rejects. */
  get: (force?: boolean) => Promise<T>
  /** The cached value, now, whatever its age. */
  peek: () => T
  /** ms since epoch of the last completed refresh; 0 before the first. */
  fetchedAt: () => number
}

export interface ProbeInit<T> {
  name: string
  ttlMs: number
  initial: T
  onError?: (probe: string, err: unknown) => void
  now?: () => number
}

export function createProbe<T> (fetch: () => Promise<T>, init: ProbeInit<T>): Probe<T> {
  const now = init.now ?? Date.now
  let value = init.initial
  let at = 0
  let inflight: Promise<T> | undefined

  function refresh (): Promise<T> {
    inflight ??= (async () => {
      try {
        value = await fetch()
      } catch (err) {
        init.onError?.(init.name, err)
      } finally {
        at = now()
        inflight = undefined
      }
      return value
    })()
    return inflight
  }

  return {
    async get (force = false) {
      if (inflight != null) return await inflight
      if (!force && at !== 0 && now() - at < init.ttlMs) return value
      return await refresh()
    },
    peek: () => value,
    fetchedAt: () => at
  }
}
