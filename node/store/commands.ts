/**
 * The replicated command log and the persistent seen-set. A command and its seen mark are written
 * in one transaction, so after a crash either both exist or neither (a replay after a restart is
 * refused, PITFALLS "Signing"). Seen marks outlive nothing: past their expiry a replay fails the
 * expiry check anyway, so they are pruned then; the command log itself is replicated state and kept.
 */
import type { CommandEnvelope } from '../../protocol/types.js'
import type { Dbs } from './open.js'
import type { ReplicaState } from './state.js'

/** Inside a write transaction: stores a command not held yet; true if it was new. */
export function applyCommand (dbs: Dbs, state: ReplicaState, cmd: CommandEnvelope, h: Uint8Array): boolean {
  if (dbs.commands.doesExist(cmd.id)) return false
  dbs.commands.put(cmd.id, cmd)
  const seen = dbs.seen.get(cmd.id)
  if (seen == null || seen < cmd.expiresAt) dbs.seen.put(cmd.id, cmd.expiresAt)
  state.d.commands.add(h)
  return true
}

export function markSeen (dbs: Dbs, id: string, expiresAt: number): void {
  const cur = dbs.seen.get(id)
  if (cur == null || cur < expiresAt) dbs.seen.put(id, expiresAt)
}

/** Inside a write transaction: removes seen marks that expired before `now`. */
export function pruneSeen (dbs: Dbs, now: number): number {
  let n = 0
  for (const { key, value } of dbs.seen.getRange()) {
    if (value < now) { dbs.seen.remove(key); n++ }
  }
  return n
}

export function listCommands (dbs: Dbs, opts: { after?: string, limit?: number } = {}): CommandEnvelope[] {
  const out: CommandEnvelope[] = []
  const range = dbs.commands.getRange({ ...(opts.after != null ? { start: opts.after } : {}), ...(opts.limit != null ? { limit: opts.limit + 1 } : {}) })
  for (const { key, value } of range) {
    if (opts.after != null && key === opts.after) continue
    out.push(value)
    if (opts.limit != null && out.length >= opts.limit) break
  }
  return out
}
