/**
 * Whether a failed dial proves that nothing listens at the member's addresses: every address
 * answered with a refusal (ECONNREFUSED: the host is up, the port is closed, so its daemon is
 * gone). A timeout, a reset, a denial of our own or any other error proves nothing: the member may
 * be alive behind a link we lack. libp2p throws the transport's error for one address and an
 * AggregateError of them for several; either may come wrapped as a `cause`.
 */
const MAX_DEPTH = 8

export function connectionRefused (err: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH || err == null || typeof err !== 'object') return false
  const e = err as { code?: unknown, errors?: unknown, cause?: unknown }
  if (e.code === 'ECONNREFUSED') return true
  if (Array.isArray(e.errors)) return e.errors.length > 0 && e.errors.every((x) => connectionRefused(x, depth + 1))
  return connectionRefused(e.cause, depth + 1)
}
