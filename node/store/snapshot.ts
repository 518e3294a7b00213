/**
 * Snapshots for a far-behind or brand-new peer (DESIGN: "a brand new node gets a snapshot instead
 * of replaying ancient history"): registers, commands, the retained tail of each origin, and the
 * derived node records and recent history that the pruned part of the log once produced.
 */
import type { CommandEnvelope, NodeEvent, Register } from '../../protocol/types.js'
import { SNAPSHOT_HISTORY_PER_NODE } from './constants.js'
import { itemHash } from './digest.js'
import { applyCommand } from './commands.js'
import { applyEvent, sortEvents, type EventCtx } from './events.js'
import { newestHistory } from './history.js'
import { applyRegister } from './registers.js'
import type { IngestResult, StoreSnapshot } from './types.js'

export function exportSnapshot (ctx: EventCtx): StoreSnapshot {
  const { dbs, state } = ctx
  const events: NodeEvent[] = []
  for (const { value } of dbs.events.getRange()) events.push(value.e)
  const history: StoreSnapshot['history'] = []
  for (const id of state.nodes.keys()) {
    for (const item of newestHistory(dbs, id, SNAPSHOT_HISTORY_PER_NODE)) history.push({ node: id, item })
  }
  return {
    v: 1,
    registers: [...dbs.registers.getRange()].map(r => r.value),
    commands: [...dbs.commands.getRange()].map(r => r.value),
    events,
    nodes: [...state.nodes.values()],
    history
  }
}

/** Hashes computed outside the transaction (the CPU-heavy part). */
export function hashSnapshot (snap: StoreSnapshot): { events: Buffer[], commands: Buffer[], registers: Buffer[], sorted: NodeEvent[] } {
  const sorted = sortEvents(snap.events)
  return { sorted, events: sorted.map(itemHash), commands: snap.commands.map(itemHash), registers: snap.registers.map(itemHash) }
}

export interface SnapshotApplied { result: IngestResult, events: NodeEvent[], commands: CommandEnvelope[], registers: Register[] }

/** Inside a write transaction; origins written are added to `touched` (pruned at commit). */
export function applySnapshot (ctx: EventCtx, localId: string, snap: StoreSnapshot, hashes: ReturnType<typeof hashSnapshot>, touched: Set<string>): SnapshotApplied {
  const { dbs, state } = ctx
  const registers = snap.registers.filter((r, i) => applyRegister(dbs, state, r, hashes.registers[i]))
  const commands = snap.commands.filter((c, i) => applyCommand(dbs, state, c, hashes.commands[i]))
  const events: NodeEvent[] = []
  const res: IngestResult = { stored: 0, duplicates: 0, gaps: 0 }
  const rebased = new Set<string>()
  let prev = ''
  hashes.sorted.forEach((e, i) => {
    if (e.origin === localId) { res.duplicates++; return } // we are the only author of our log
    const first = e.origin !== prev
    prev = e.origin
    const rebase = first && e.seq > (state.head(e.origin)?.max ?? 0) + 1
    const v = applyEvent(ctx, e, hashes.events[i], rebase)
    if (rebase && v === 'stored') rebased.add(e.origin)
    if (v === 'stored') { res.stored++; events.push(e); touched.add(e.origin) } else if (v === 'duplicate') res.duplicates++
    else res.gaps++
  })
  // A rebased origin's record and history come from the peer: its tail alone may hold no transition.
  for (const n of snap.nodes) {
    if (rebased.has(n.id) && n.seq === state.head(n.id)?.max) state.setNode(n)
  }
  for (const { node, item } of snap.history) {
    if (rebased.has(node)) dbs.history.put([node, item.seq], item)
  }
  return { result: res, events, commands, registers }
}
