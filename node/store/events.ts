/**
 * The per-origin append-only logs, inside a write transaction. One origin never has a seq gap:
 * an event lands only at max + 1 (a later one is a gap the caller pulls for), except as the base
 * of a snapshot, which replaces what we held of that origin.
 *
 * Retention rule: an origin keeps exactly the seqs (max - keep, max]. It depends only on max and
 * `keep`, so two replicas with the same retention and the same max hold the same events, and the
 * replica digest, which covers retained events only, agrees. `min` stays in the sync digest so a
 * peer asking for pruned seqs knows to take a snapshot.
 */
import { hlcMs } from '../../protocol/hlc.js'
import type { NodeEvent } from '../../protocol/types.js'
import { emptyNode, foldEvent } from './derive.js'
import type { Dbs } from './open.js'
import type { ReplicaState } from './state.js'

export type Verdict = 'stored' | 'duplicate' | 'gap'

export interface EventCtx { dbs: Dbs, state: ReplicaState, keep: number }

const END = Number.MAX_SAFE_INTEGER

/** Stores one event (its item hash already computed) if it is the next of its origin. */
export function applyEvent (ctx: EventCtx, e: NodeEvent, h: Uint8Array, rebase = false): Verdict {
  const { dbs, state } = ctx
  const head = state.head(e.origin)
  const max = head?.max ?? 0
  if (e.seq <= max) return 'duplicate'
  let min = head?.min ?? e.seq
  if (e.seq !== max + 1) {
    if (!rebase) return 'gap'
    dropOrigin(ctx, e.origin)
    min = e.seq
  }
  dbs.events.put([e.origin, e.seq], { h, e })
  state.d.events.add(h)
  state.setHead(e.origin, { min, max: e.seq })
  state.setNode(foldEvent(state.node(e.origin) ?? emptyNode(e.origin), e))
  if (e.type === 'transition') {
    dbs.history.put([e.origin, e.seq], { seq: e.seq, hlc: e.hlc, at: hlcMs(e.hlc), ...e.body })
  }
  return 'stored'
}

/** Drops every retained event of an origin: a snapshot base far past them replaces them. */
function dropOrigin ({ dbs, state }: EventCtx, origin: string): void {
  for (const { key, value } of dbs.events.getRange({ start: [origin, 0], end: [origin, END] })) {
    state.d.events.remove(value.h)
    dbs.events.remove(key)
  }
}

/** Applies the retention rule to one origin (once per transaction, after its events). */
export function prune ({ dbs, state, keep }: EventCtx, origin: string): number {
  const head = state.head(origin)
  if (head == null || head.max - head.min + 1 <= keep) return 0
  const newMin = head.max - keep + 1
  let n = 0
  for (const { key, value } of dbs.events.getRange({ start: [origin, head.min], end: [origin, newMin] })) {
    state.d.events.remove(value.h)
    dbs.events.remove(key)
    n++
  }
  state.setHead(origin, { min: newMin, max: head.max })
  return n
}

export function eventsFrom (dbs: Dbs, origin: string, fromSeq: number, limit: number): NodeEvent[] {
  const out: NodeEvent[] = []
  if (!(limit > 0)) return out
  for (const { value } of dbs.events.getRange({ start: [origin, Math.max(0, fromSeq)], end: [origin, END], limit })) out.push(value.e)
  return out
}

/** Remote events in (origin, seq) order, so a batch that arrives shuffled still lands gap-free. */
export function sortEvents (events: NodeEvent[]): NodeEvent[] {
  return [...events].sort((a, b) => a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : a.seq - b.seq)
}
