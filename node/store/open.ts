/**
 * Opening the LMDB environment and its named databases. Any failure (a corrupt file, a path that
 * is a file, no permission) becomes an SlmError with a code, so `slm daemon` prints a reason and
 * exits instead of crashing with a native stack.
 */
import { mkdirSync } from 'node:fs'
import { open, type Database, type RootDatabase } from 'lmdb'
import type { HistoryItem } from '../../protocol/control.js'
import { SlmError } from '../../protocol/errors.js'
import type { CommandEnvelope, NodeEvent, Register } from '../../protocol/types.js'
import { MAX_DBS } from './constants.js'
import type { StoredNode } from './types.js'

/** An event as stored: with its item hash, so pruning needs no re-hashing. */
export interface StoredEvent { h: Uint8Array, e: NodeEvent }
export interface Head { min: number, max: number }

export interface Dbs {
  root: RootDatabase
  events: Database<StoredEvent, [string, number]>
  heads: Database<Head, string>
  nodes: Database<StoredNode, string>
  history: Database<HistoryItem, [string, number]>
  commands: Database<CommandEnvelope, string>
  seen: Database<number, string>
  registers: Database<Register, string>
  meta: Database<any, string>
}

/**
 * Durability: with overlappingSync off, a write transaction's promise resolves only after LMDB
 * synced it (PITFALLS: with it on, `await put` means visible, not on disk). Measured on the 2-core
 * box with group commit: off was as fast or faster, and needs no extra `flushed` wait.
 */
export const OVERLAPPING_SYNC = false

export function openDbs (path: string): Dbs {
  try {
    mkdirSync(path, { recursive: true })
    const root = open({ path, maxDbs: MAX_DBS, overlappingSync: OVERLAPPING_SYNC, compression: false })
    return {
      root,
      events: root.openDB({ name: 'events', keyEncoding: 'ordered-binary' }),
      heads: root.openDB({ name: 'heads' }),
      nodes: root.openDB({ name: 'nodes' }),
      history: root.openDB({ name: 'history', keyEncoding: 'ordered-binary' }),
      commands: root.openDB({ name: 'commands' }),
      seen: root.openDB({ name: 'seen' }),
      registers: root.openDB({ name: 'registers' }),
      meta: root.openDB({ name: 'meta' })
    }
  } catch (err: any) {
    throw storeOpenError(path, err)
  }
}

export function storeOpenError (path: string, err: any): SlmError {
  const msg = String(err?.message ?? err)
  const code = err?.code === 'EACCES' || /permission denied|EACCES/i.test(msg)
    ? 'ERR_STORE_PERMISSION'
    : /invalid|corrupt|version mismatch|MDB_/i.test(msg) ? 'ERR_STORE_CORRUPT' : 'ERR_STORE_OPEN'
  return new SlmError(code, `cannot open the replica at ${path}: ${msg}`, { cause: err })
}
