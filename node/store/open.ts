/**
 * Opening the LMDB environment and its named databases. Any failure (a corrupt file, a path that
 * is a file, no permission) becomes an SlmError with a code, so `slm daemon` prints a reason and
 * exits instead of crashing with a native stack.
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, statfsSync } from 'node:fs'
import { join } from 'node:path'
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
 * Durability: with overlappingSync on, a transaction commits (becomes visible) before its fsync
 * and `root.flushed` resolves once it is on disk (PITFALLS: `await put` is visible, not durable).
 * The writer awaits `flushed` before acknowledging, and meanwhile builds and commits the next
 * batch, so CPU work overlaps the fsync. Measured on the 2-core box (bench, 1024 appends in flight,
 * heavily loaded): on ~24-30k durable events/s, off (sync inside each commit) ~14-17k.
 */
export const OVERLAPPING_SYNC = true

export function openDbs (path: string): Dbs {
  try {
    mkdirSync(path, { recursive: true })
    checkHeader(join(path, 'data.mdb'))
    // noSubdir explicit: lmdb-js would otherwise treat a directory name with a dot as a file name.
    const root = open({ path, noSubdir: false, maxDbs: MAX_DBS, overlappingSync: OVERLAPPING_SYNC, compression: false })
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
    if (err instanceof SlmError) throw err
    throw storeOpenError(path, err)
  }
}

/**
 * LMDB trusts its meta page: a data file of garbage makes it segfault inside `open`, which no
 * try/catch can turn into a message. So check the meta page's magic (0xBEEFC0DE, at byte 24 in
 * lmdb-js's format) before LMDB sees the file. Not a full integrity check; it stops the crash.
 */
function checkHeader (file: string): void {
  if (!existsSync(file)) return
  const fd = openSync(file, 'r')
  try {
    const buf = Buffer.alloc(32)
    const n = readSync(fd, buf, 0, 32, 0)
    if (n === 0) return
    if (n < 32 || buf.readUInt32LE(24) !== 0xBEEFC0DE) {
      throw new SlmError('ERR_STORE_CORRUPT', `${file} is not an LMDB data file (bad meta page); move it aside to start an empty replica that resyncs from peers`)
    }
  } finally {
    closeSync(fd)
  }
}

export function storeOpenError (path: string, err: any): SlmError {
  const msg = String(err?.message ?? err)
  const code = err?.code === 'EACCES' || /permission denied|EACCES/i.test(msg)
    ? 'ERR_STORE_PERMISSION'
    : /invalid|corrupt|version mismatch|MDB_/i.test(msg) ? 'ERR_STORE_CORRUPT' : 'ERR_STORE_OPEN'
  return new SlmError(code, `cannot open the replica at ${path}: ${msg}`, { cause: err })
}

/**
 * A failed commit (disk full, I/O error) as our error: `ERR_STORE_FULL` for ENOSPC/EDQUOT, else
 * `ERR_STORE_WRITE`, with LMDB's own reason in the message. lmdb-js rejects the transaction with
 * a generic "Commit failed" whose `commitError` is a second promise holding the cause; that one is
 * handled here, so it cannot surface as an unhandled rejection.
 */
export async function storeWriteError (err: any, path?: string): Promise<SlmError> {
  if (err instanceof SlmError) return err
  let cause = err
  if (err?.commitError instanceof Promise) {
    const inner = err.commitError.then(() => err, (e: unknown) => e)
    // lmdb-js settles it in the same callback as the failure; never wait long on a library detail.
    let timer: NodeJS.Timeout | undefined
    cause = await Promise.race([inner, new Promise((resolve) => { timer = setTimeout(() => { resolve(err) }, 1000) })])
    clearTimeout(timer)
  }
  const msg = String(cause?.message ?? cause)
  if (cause?.code === 28 || cause?.code === 'ENOSPC' || cause?.code === 122 || cause?.code === 'EDQUOT' || /no space left|quota exceeded/i.test(msg)) {
    return new SlmError('ERR_STORE_FULL', `cannot write the replica: ${msg}`, { cause })
  }
  // LMDB reports a short write on a full filesystem as EIO now and then: ask the filesystem.
  if (path != null && noSpaceLeft(path)) {
    return new SlmError('ERR_STORE_FULL', `cannot write the replica: no space left on the filesystem of ${path} (LMDB: ${msg})`, { cause })
  }
  return new SlmError('ERR_STORE_WRITE', `cannot write the replica: ${msg}`, { cause })
}

function noSpaceLeft (path: string): boolean {
  try {
    const fs = statfsSync(path)
    // Less than a few pages left for us: LMDB grows its file a page run at a time.
    return fs.bavail * fs.bsize < 64 * 1024
  } catch {
    return false
  }
}

/**
 * True for the rejections lmdb-js leaves unhandled inside itself when a commit fails (one per
 * failed transaction, on promises no caller holds). The daemon logs these instead of dying: the
 * failure itself reaches the writer, which refuses the writes and reports the error.
 */
export function isStrayCommitRejection (reason: any): boolean {
  if (reason == null || typeof reason !== 'object') return false
  if (reason.commitError instanceof Promise) return true
  return typeof reason.message === 'string' && /^(No space left on device|Disk quota exceeded|Input\/output error)?:? ?Attempting to write page/.test(reason.message)
}
