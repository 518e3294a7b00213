/**
 * Schema version of the LMDB env, with ordered migrations run at start. The predecessor's gotcha:
 * create before migrate — databases are opened (created) first, then each step upgrades.
 */
import type { Database, RootDatabase } from 'lmdb'
import { SlmError } from '../../protocol/errors.js'

export const SCHEMA_VERSION = 1

type Migration = (meta: Database<any, string>, root: RootDatabase) => void

/** MIGRATIONS[i] upgrades from version i to i + 1. */
const MIGRATIONS: Migration[] = [
  (meta) => { meta.put('createdAt', Date.now()) }
]

export async function migrate (meta: Database<any, string>, root: RootDatabase): Promise<number> {
  const from: number = meta.get('schema') ?? 0
  if (from > SCHEMA_VERSION) {
    throw new SlmError('ERR_SCHEMA_NEWER', `the replica was written by a newer slm (schema ${from}, this build knows ${SCHEMA_VERSION}); upgrade slm`)
  }
  for (let v = from; v < SCHEMA_VERSION; v++) {
    await root.transaction(() => {
      MIGRATIONS[v](meta, root)
      meta.put('schema', v + 1)
    })
  }
  return SCHEMA_VERSION
}
