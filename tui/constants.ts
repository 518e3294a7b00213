/** Tuning of the dashboard. Each value is the default a test or the bench may override. */

/** Coalesce refetches of `nodes`/`status` to at most one per this many ms (live within 1 s). */
export const REFETCH_INTERVAL_MS = 250

/** Heartbeat notices without a payload refetch `nodes` at most this often (ages, usage bars). */
export const HEARTBEAT_REFETCH_MS = 1000

/** How long a row stays coloured after it changed. */
export const HIGHLIGHT_MS = 3000

/** Live events kept in memory for the Events view (a bounded ring, not an unbounded log). */
export const EVENT_RING_SIZE = 500

/** Command result lines kept for the message area. */
export const RESULT_LINES = 200

/** Transition history rows fetched per page in the Node view (protocol allows 1..200). */
export const HISTORY_PAGE_SIZE = 10

/** Reconnect backoff after the daemon goes away: first delay, doubled up to the max. */
export const RECONNECT_MIN_MS = 250
export const RECONNECT_MAX_MS = 5000

/** Signed commands expire this long after issue, so a command for an offline node can wait. */
export const COMMAND_TTL_MS = 60 * 60 * 1000

/** The age clock ticks once a second so "last heartbeat" stays honest without a data change. */
export const CLOCK_TICK_MS = 1000
