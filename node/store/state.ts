/**
 * In-memory caches of what every write reads: per-origin heads, node records and the set
 * digests. Writes go to a draft inside the write transaction; a committed draft waits in
 * `pending` while its sync runs (the next transaction already builds on it), and reaches the live
 * caches only once durable, so nobody reads (and gossips) a seq that a crash could still lose.
 * The caches are always rebuildable from the env (`load`), which is how a failed commit recovers.
 */
import { SetDigest, type ReplicaDigests } from './digest.js'
import type { Dbs, Head } from './open.js'
import type { StoredNode } from './types.js'

interface Draft {
  heads: Map<string, Head>
  nodes: Map<string, StoredNode>
  digests: ReplicaDigests
}

export class ReplicaState {
  readonly heads = new Map<string, Head>()
  readonly nodes = new Map<string, StoredNode>()
  digests: ReplicaDigests = { events: new SetDigest(), commands: new SetDigest(), registers: new SetDigest() }
  private draft: Draft | null = null
  /** Committed, not yet durable, oldest first. */
  private pending: Draft[] = []

  load (dbs: Dbs): boolean {
    this.draft = null
    this.pending = []
    this.heads.clear()
    this.nodes.clear()
    for (const { key, value } of dbs.heads.getRange()) this.heads.set(key, value)
    for (const { key, value } of dbs.nodes.getRange()) this.nodes.set(key, value)
    const d = dbs.meta.get('digests')
    this.digests = {
      events: SetDigest.from(d?.events),
      commands: SetDigest.from(d?.commands),
      registers: SetDigest.from(d?.registers)
    }
    return d != null
  }

  begin (): void {
    const d = this.pending.at(-1)?.digests ?? this.digests
    this.draft = { heads: new Map(), nodes: new Map(), digests: { events: d.events.clone(), commands: d.commands.clone(), registers: d.registers.clone() } }
  }

  /** Writes the draft's touched heads, nodes and the digests, inside the transaction. */
  flushDraft (dbs: Dbs): void {
    const d = this.need()
    for (const [k, v] of d.heads) dbs.heads.put(k, v)
    for (const [k, v] of d.nodes) dbs.nodes.put(k, v)
    dbs.meta.put('digests', { events: d.digests.events.toJSON(), commands: d.digests.commands.toJSON(), registers: d.digests.registers.toJSON() })
  }

  /** The transaction committed: later drafts build on this one while its sync runs. */
  seal (): void {
    this.pending.push(this.need())
    this.draft = null
  }

  /** The oldest committed draft is on disk: publish it. Syncs complete in commit order. */
  durable (): void {
    const d = this.pending.shift()
    if (d == null) return // a failed batch reloaded everything from the env meanwhile
    for (const [k, v] of d.heads) this.heads.set(k, v)
    for (const [k, v] of d.nodes) this.nodes.set(k, v)
    this.digests = d.digests
  }

  abandon (): void { this.draft = null }

  // ---- reads and writes inside a transaction: through the draft -------------------------------

  head (origin: string): Head | undefined { return this.need().heads.get(origin) ?? this.fromPending(p => p.heads.get(origin)) ?? this.heads.get(origin) }
  setHead (origin: string, h: Head): void { this.need().heads.set(origin, h) }
  node (id: string): StoredNode | undefined { return this.need().nodes.get(id) ?? this.fromPending(p => p.nodes.get(id)) ?? this.nodes.get(id) }
  setNode (n: StoredNode): void { this.need().nodes.set(n.id, n) }
  get d (): ReplicaDigests { return this.need().digests }

  private fromPending<T> (get: (d: Draft) => T | undefined): T | undefined {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const v = get(this.pending[i])
      if (v !== undefined) return v
    }
    return undefined
  }

  private need (): Draft {
    if (this.draft == null) throw new Error('replica state written outside a write transaction')
    return this.draft
  }
}
