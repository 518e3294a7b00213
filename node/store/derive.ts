/**
 * Pure folding of a node's own events into its record: state from transitions (default
 * `discovered`), install attempts from install events (reset by a forced reset and by a completed
 * install), last error, running versions. Events of one origin are folded in seq order, so every
 * replica derives the same record from the same log.
 */
import type { NodeEvent } from '../../protocol/types.js'
import type { StoredNode } from './types.js'

export function emptyNode (id: string): StoredNode {
  return { id, name: id.slice(-8), state: 'discovered', seq: 0, installAttempts: 0, transitions: 0, versions: {} }
}

export function foldEvent (rec: StoredNode, e: NodeEvent): StoredNode {
  const next: StoredNode = { ...rec, seq: Math.max(rec.seq, e.seq) }
  switch (e.type) {
    case 'transition':
      next.state = e.body.to
      next.transitions++
      if (e.body.to === 'pending' && e.body.metadata?.force === true) next.installAttempts = 0
      if (e.body.to === 'online') delete next.lastError
      break
    case 'install':
      if (e.body.phase === 'failed') {
        next.installAttempts = rec.installAttempts + 1
        if (e.body.message != null) next.lastError = e.body.message
      } else if (e.body.phase === 'complete') {
        next.installAttempts = 0
      }
      break
    case 'code_report':
      if (e.body.status === 'applied' || e.body.status === 'rolled_back') {
        const running = e.body.running ?? (e.body.status === 'applied' ? e.body.sha : undefined)
        if (running != null) next.versions = { ...rec.versions, [e.body.role]: running }
      }
      if (e.body.status === 'failed' || e.body.status === 'rolled_back') next.lastError = e.body.reason ?? `code ${e.body.status}`
      break
    case 'command_result':
      if (e.body.status === 'failed') next.lastError = e.body.reason ?? `command ${e.body.action} failed`
      break
    default:
      break
  }
  return next
}
