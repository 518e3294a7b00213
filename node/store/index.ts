/**
 * The LMDB replica store: per-origin event logs, node records, transition history, the command
 * log and seen-set, LWW fleet registers, anti-entropy and replica digests, snapshots, and a change
 * feed. Writes are group-committed and resolve only once durable.
 */
import { LmdbStore } from './store.js'
import type { Store, StoreComponents, StoreInit } from './types.js'

export function createStore (init: StoreInit, components: StoreComponents): Store {
  return new LmdbStore(init, components)
}

export type { Store, StoreInit, StoreComponents, StoreEvents, StoreSnapshot, StoredNode, NodeRecord, IngestResult, StoreStats, StoreWriteFailure } from './types.js'
export { membership, type Assignments, type Membership } from './nodes.js'
export { isStrayCommitRejection } from './open.js'
export { SCHEMA_VERSION } from './migrations.js'
export { newer as registerWins } from './registers.js'
export { itemHash } from './digest.js'
export { DEFAULT_MAX_EVENTS_PER_ORIGIN } from './constants.js'
