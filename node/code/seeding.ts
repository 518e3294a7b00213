/**
 * Who serves a bundle, pure: a node seeds a few whole copies, then sends later fetchers to the
 * peers that have the commit or that it seeded, so copies spread as a tree and the holder uploads
 * a bounded number of bundles however many nodes fetch (issue 5's benchmark: at most 3x).
 */
import type { Admission } from './transfer.js'

/** Whole copies a node uploads before it redirects. */
export const SEED_COPIES = 2
/** A seeded copy counts at least this long before the seeder serves again... */
export const SEED_GRACE_MIN_MS = 10_000
/** ...and at least this many times as long as its upload took (its import takes a while too). */
export const SEED_GRACE_FACTOR = 3

/**
 * A whole copy we uploaded: when it completed and how long it took. `failed`: the peer asked again
 * after a copy, so copies to it do not take (a lying bundle, an import that keeps failing).
 */
export interface Seeded { at: number, ms: number, failed?: boolean }

export interface SeedInput {
  /** The fetcher asking. */
  peer: string
  /** Peers we served the whole bundle to. */
  seeded: ReadonlyMap<string, Seeded>
  /** Peers whose reports say they have the commit. */
  have: readonly string[]
  /** Alive peers other than ourselves. */
  alive: (id: string) => boolean
  now: number
}

/**
 * Serve until SEED_COPIES alive peers (other than the asker) got a copy: with at most two uploads
 * at once, one more can be in flight when the last completes, so at most SEED_COPIES + 1 uploads.
 * Then redirect to those peers and the ones that have it. If none of the seeded copies took (no
 * peer reports the commit and every copy is past its grace time), seed again. A seeded peer that
 * asks again evidently has no good copy: the caller marks it `failed`, and failed peers neither
 * count as seeds nor are redirected to — else two peers re-fetching a bundle that never takes
 * would keep the seed count full and every other fetcher redirected to them, forever.
 */
export function admitFetch (input: SeedInput): Admission {
  const other = (id: string): boolean => id !== input.peer && input.alive(id)
  const seeded = [...input.seeded].filter(([id, s]) => other(id) && s.failed !== true)
  if (seeded.length < SEED_COPIES) return { serve: true }
  const have = input.have.filter(other)
  const fresh = seeded.some(([, s]) => input.now - s.at < Math.max(SEED_GRACE_MIN_MS, SEED_GRACE_FACTOR * s.ms))
  if (have.length === 0 && !fresh) return { serve: true }
  return { serve: false, code: 'redirect', peers: [...new Set([...have, ...seeded.map(([id]) => id)])] }
}
