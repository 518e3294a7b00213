import { describe, expect, it } from 'vitest'
import { admitFetch, SEED_COPIES, SEED_GRACE_FACTOR, SEED_GRACE_MIN_MS, type Seeded } from '../../../node/code/seeding.js'

const now = 1_000_000
const everyone = (): boolean => true
const at = (ago: number, ms = 1000): Seeded => ({ at: now - ago, ms })

describe('seeding: who serves a bundle', () => {
  it('serves until two alive peers other than the asker have a copy', () => {
    expect(SEED_COPIES).toBe(2)
    expect(admitFetch({ peer: 'c', seeded: new Map(), have: [], alive: everyone, now })).toEqual({ serve: true })
    expect(admitFetch({ peer: 'c', seeded: new Map([['a', at(0)]]), have: [], alive: everyone, now })).toEqual({ serve: true })
    // The asker's own earlier copy does not count (it asks again: it has no good copy).
    expect(admitFetch({ peer: 'b', seeded: new Map([['a', at(0)], ['b', at(0)]]), have: [], alive: everyone, now })).toEqual({ serve: true })
    // Dead seeded peers do not count either.
    expect(admitFetch({ peer: 'c', seeded: new Map([['a', at(0)], ['b', at(0)]]), have: [], alive: (id) => id !== 'b', now })).toEqual({ serve: true })
  })

  it('then redirects to the peers that have it and the ones it seeded', () => {
    const res = admitFetch({ peer: 'd', seeded: new Map([['a', at(5000)], ['b', at(1000)]]), have: ['c', 'a', 'd'], alive: everyone, now })
    expect(res).toEqual({ serve: false, code: 'redirect', peers: ['c', 'a', 'b'] })
  })

  it('redirects to freshly seeded peers that have not reported yet (they are importing)', () => {
    const res = admitFetch({ peer: 'd', seeded: new Map([['a', at(2000)], ['b', at(1000)]]), have: [], alive: everyone, now })
    expect(res).toEqual({ serve: false, code: 'redirect', peers: ['a', 'b'] })
  })

  it('seeds again when none of its copies took within the grace time, which grows with the upload time', () => {
    const old = SEED_GRACE_MIN_MS + 1
    expect(admitFetch({ peer: 'd', seeded: new Map([['a', at(old)], ['b', at(old)]]), have: [], alive: everyone, now })).toEqual({ serve: true })
    // A slow upload (8 s) gets three times as long to show up.
    const slow = at(old, 8000)
    expect(SEED_GRACE_FACTOR * 8000).toBeGreaterThan(old)
    expect(admitFetch({ peer: 'd', seeded: new Map([['a', slow], ['b', at(old)]]), have: [], alive: everyone, now })).toMatchObject({ serve: false })
    // ...and never while a peer reports the commit.
    expect(admitFetch({ peer: 'd', seeded: new Map([['a', at(old)], ['b', at(old)]]), have: ['a'], alive: everyone, now })).toMatchObject({ serve: false, peers: ['a', 'b'] })
  })

  it('bounds the uploads: with two at a time, a seeder serves at most three copies to any number of fetchers', () => {
    // Simulated: 20 fetchers ask in turn; uploads complete one by one; at most 2 in flight.
    const seeded = new Map<string, Seeded>()
    const inFlight: string[] = []
    let uploads = 0
    const pending = Array.from({ length: 20 }, (_, i) => `f${i}`)
    for (let step = 0; step < 100 && pending.length > 0; step++) {
      const asker = pending.shift()!
      const res = admitFetch({ peer: asker, seeded, have: [], alive: everyone, now })
      if (res.serve && inFlight.length < 2) {
        inFlight.push(asker)
        uploads++
      } else if (res.serve) {
        pending.push(asker) // busy: asks again later
      }
      if (inFlight.length === 2 || (pending.length === 0 && inFlight.length > 0)) seeded.set(inFlight.shift()!, at(0))
    }
    expect(uploads).toBeLessThanOrEqual(SEED_COPIES + 1)
  })

  it('peers whose copies do not take (they asked again) neither count as seeds nor get fetchers sent to them', () => {
    const failed = (ago: number): Seeded => ({ ...at(ago), failed: true })
    // Two peers re-fetching a bundle that never takes (a lying holder): a third is served, not
    // redirected to them. Before, it was starved for as long as they kept retrying.
    expect(admitFetch({ peer: 'c', seeded: new Map([['a', failed(0)], ['b', failed(0)]]), have: [], alive: everyone, now })).toEqual({ serve: true })
    expect(admitFetch({ peer: 'd', seeded: new Map([['a', failed(0)], ['b', at(0)], ['c', at(0)]]), have: [], alive: everyone, now }))
      .toEqual({ serve: false, code: 'redirect', peers: ['b', 'c'] })
  })
})
