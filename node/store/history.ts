/**
 * Transition history per node, newest first, paged as DESIGN.md says (limit 1..200, offset).
 * History is derived from transition events and kept after those events are pruned.
 */
import type { HistoryItem, Page } from '../../protocol/control.js'
import { ValidationError } from '../../protocol/errors.js'
import { HISTORY_MAX_LIMIT } from './constants.js'
import type { Dbs } from './open.js'

const END = Number.MAX_SAFE_INTEGER

export function checkPage (page: { limit: number, offset: number }): void {
  const { limit, offset } = page
  if (!Number.isInteger(limit) || limit < 1 || limit > HISTORY_MAX_LIMIT) {
    throw new ValidationError(`limit must be an integer from 1 to ${HISTORY_MAX_LIMIT}, got ${String(limit)}`, 'limit', 'ERR_BAD_PAGE')
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new ValidationError(`offset must be a non-negative integer, got ${String(offset)}`, 'offset', 'ERR_BAD_PAGE')
  }
}

export function historyPage (dbs: Dbs, nodeId: string, page: { limit: number, offset: number }): Page<HistoryItem> {
  checkPage(page)
  const { limit, offset } = page
  const total = dbs.history.getKeysCount({ start: [nodeId, 0], end: [nodeId, END] })
  const items: HistoryItem[] = []
  for (const { value } of dbs.history.getRange({ start: [nodeId, END], end: [nodeId, -1], reverse: true, offset, limit })) items.push(value)
  return { total, limit, offset, items }
}

/** The newest `n` items of a node, oldest first (for snapshots). */
export function newestHistory (dbs: Dbs, nodeId: string, n: number): HistoryItem[] {
  return historyPage(dbs, nodeId, { limit: Math.min(n, HISTORY_MAX_LIMIT), offset: 0 }).items.reverse()
}
