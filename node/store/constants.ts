/** Defaults of StoreInit and the few fixed limits of the replica (STYLE 2: `init.x ?? DEFAULT_X`). */

/** Events retained per origin; older ones are pruned (their transitions stay in history). */
export const DEFAULT_MAX_EVENTS_PER_ORIGIN = 10_000

/** Named databases we open, with room for later migrations (lmdb-js defaults to 12). */
export const MAX_DBS = 32

/** History items per node carried in a snapshot, so a far-behind peer still sees recent history. */
export const SNAPSHOT_HISTORY_PER_NODE = 200

/** History pages (DESIGN.md: limit 1..200). */
export const HISTORY_MAX_LIMIT = 200

/**
 * Group commit: at most this many queued writes share one transaction, so one huge burst cannot
 * hold the write transaction (and everyone's acknowledgement) for long.
 */
export const MAX_JOBS_PER_COMMIT = 4096

/** HLC of bootstrap trust entries: below every real stamp, so any signed command overrides them. */
export const HLC_ZERO = '000000000000000-000000'

/**
 * Group commit: batches of at most this many writes commit synchronously on the event loop while
 * the disk keeps up (writer.ts, SyncSmall); a burst (a store benchmark's 1,024 appends in flight)
 * still overlaps CPU and fsync. A commit slower than SYNC_SLOW_MS sends the writer back to
 * overlapped commits for SYNC_SLOW_BACKOFF batches.
 */
export const SYNC_MAX_JOBS = 32
export const SYNC_SLOW_MS = 20
export const SYNC_SLOW_BACKOFF = 200
