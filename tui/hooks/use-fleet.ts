/**
 * The fleet picture for the current connection: a `FleetStore` attached to whichever source is
 * live, read through `useSyncExternalStore` so every component sees one consistent snapshot.
 */
import { useEffect, useState, useSyncExternalStore } from 'react'
import { FleetStore, type FleetStoreInit } from '../state/fleet-store.js'
import type { FleetData } from '../state/fleet-data.js'
import type { FleetSource } from '../source.js'

export function useFleet (source: FleetSource | null, init?: FleetStoreInit): FleetData {
  const [store] = useState(() => new FleetStore(init))
  useEffect(() => () => { store.stop() }, [store])
  useEffect(() => {
    if (source == null) { store.detach(); return }
    // A failed first fetch is published as `error`; a closed socket is the connection's business.
    store.attach(source).catch(() => {})
    return () => { store.detach() }
  }, [store, source])
  return useSyncExternalStore(store.subscribe, store.getSnapshot)
}
