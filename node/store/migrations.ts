/**
 * Schema version of the LMDB env, with ordered migrations run at start. The predecessor's gotcha:
 * create before migrate — every named database is opened (created) first, then each step upgrades
 * in its own transaction together with the version bump, so a crash mid-way resumes at that step.
 */
import { SlmError } from '../../protocol/errors.js'
import type { NodeEvent } from '../../protocol/types.js'
import { itemHash } from './digest.js'
import type { Dbs } from './open.js'

export const SCHEMA_VERSION = 2

type Migration = (dbs: Dbs) => void

/** MIGRATIONS[i] upgrades from version i to i + 1. */
const MIGRATIONS: Migration[] = [
  // 0 -> 1: a new env.
  (dbs) => { dbs.meta.put('createdAt', Date.now()) },
  // 1 -> 2: events are stored with their item hash (pruning without re-hashing); digests are
  // rebuilt from a full scan at the next start.
  (dbs) => {
    for (const { key, value } of dbs.events.getRange()) {
      const e = value as unknown as NodeEvent
      if ((value as any).e == null) dbs.events.put(key, { h: itemHash(e), e })
    }
    dbs.meta.remove('digests')
  }
]

/** Runs the pending migrations; returns the versions it ran (empty when up to date). */
export async function migrate (dbs: Dbs): Promise<number[]> {
  const from: number = dbs.meta.get('schema') ?? 0
  if (from > SCHEMA_VERSION) {
    throw new SlmError('ERR_SCHEMA_NEWER', `the replica was written by a newer slm (schema ${from}, this build knows ${SCHEMA_VERSION}); upgrade slm`)
  }
  const ran: number[] = []
  for (let v = from; v < SCHEMA_VERSION; v++) {
    await dbs.root.transaction(() => {
      MIGRATIONS[v](dbs)
      dbs.meta.put('schema', v + 1)
      dbs.meta.put('migrations', [...(dbs.meta.get('migrations') ?? []), { to: v + 1, at: Date.now() }])
    })
    ran.push(v + 1)
  }
  return ran
}
