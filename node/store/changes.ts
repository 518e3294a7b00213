/**
 * The change feed: one `ReplicaChange` per stored event, command, register and heartbeat, for the
 * control API's `subscribe` and the TUI (STYLE 9: a typed event map). A listener that throws is
 * isolated: a broken subscriber must not take the writer (or the daemon) down with it.
 */
import type { ReplicaChange } from '../../protocol/control.js'
import type { StoreEvents } from './types.js'

type Listener = (evt: CustomEvent<ReplicaChange>) => void

export class ChangeFeed {
  private readonly listeners = new Set<Listener>()

  addEventListener<K extends keyof StoreEvents> (_type: K, listener: (evt: StoreEvents[K]) => void): void {
    this.listeners.add(listener)
  }

  removeEventListener<K extends keyof StoreEvents> (_type: K, listener: (evt: StoreEvents[K]) => void): void {
    this.listeners.delete(listener)
  }

  onChange (fn: (change: ReplicaChange) => void): () => void {
    const l: Listener = (evt) => { fn(evt.detail) }
    this.listeners.add(l)
    return () => { this.listeners.delete(l) }
  }

  emit (change: ReplicaChange): void {
    if (this.listeners.size === 0) return
    const evt = new CustomEvent('change', { detail: change })
    for (const l of this.listeners) {
      try { l(evt) } catch {}
    }
  }
}
