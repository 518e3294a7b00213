/**
 * Pure folding of a node's own events into its record: state from transitions, install attempts
 * from install events (reset by a forced reset and by a completed install), last error.
 */
import type { NodeEvent } from '../../protocol/types.js'
import type { NodeRecord } from './types.js'

export function emptyRecord (id: string): NodeRecord {
  return { id, name: id.slice(-8), state: 'discovered', seq: 0, installAttempts: 0, lastHeartbeat: null, heartbeat: null, transitions: 0 }
}

export function foldEvent (rec: NodeRecord, e: NodeEvent): NodeRecord {
  const next: NodeRecord = { ...rec, seq: Math.max(rec.seq, e.seq) }
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
      if (e.body.status === 'failed' || e.body.status === 'rolled_back') next.lastError = e.body.reason ?? `code ${e.body.status}`
      break
    default:
      break
  }
  return next
}
