/**
 * The LMDB replica store: per-origin event logs, node records, history, command log and seen-set,
 * LWW fleet registers, digests for anti-entropy and the replica digest.
 */
import { LmdbStore } from './store.js'
import type { Store, StoreComponents, StoreInit } from './types.js'

export function createStore (init: StoreInit, components: StoreComponents): Store {
  return new LmdbStore(init, components)
}

export type { Store, StoreInit, StoreComponents, NodeRecord, IngestResult, StoreStats } from './types.js'
export { SCHEMA_VERSION } from './migrations.js'
export { itemHash, combine } from './digest.js'
