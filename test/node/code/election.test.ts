import { describe, expect, it } from 'vitest'
import { currentHolder, decide, type Candidate } from '../../../node/code/election.js'

const now = 100_000
const base = { now, leaseMs: 15_000, settled: true, pin: null as string | null, ownLease: null }
const m = (id: string, extra: Partial<Candidate> = {}): Candidate => ({ id, alive: true, candidate: true, ...extra })

describe('code-source election', () => {
  it('the lowest-id alive candidate claims term max+1 when nobody holds', () => {
    expect(decide({ ...base, self: 'a', members: [m('a'), m('b')] })).toEqual({ kind: 'claim', lease: { holder: 'a', term: 1, expiresAt: now + 15_000 } })
    expect(decide({ ...base, self: 'b', members: [m('a'), m('b')] })).toEqual({ kind: 'none' })
  })

  it('nobody claims before it has settled after start', () => {
    expect(decide({ ...base, settled: false, self: 'a', members: [m('a')] })).toEqual({ kind: 'none' })
  })

  it('a dead holder\'s lease does not count: the next candidate takes a higher term', () => {
    const members = [m('a', { alive: false, lease: { holder: 'a', term: 3, expiresAt: now + 5000 } }), m('b')]
    expect(decide({ ...base, self: 'b', members })).toEqual({ kind: 'claim', lease: { holder: 'b', term: 4, expiresAt: now + 15_000 } })
  })

  it('a restarted old holder does not take the role back while the new lease is valid', () => {
    const members = [m('a'), m('b', { lease: { holder: 'b', term: 4, expiresAt: now + 5000 } })]
    expect(decide({ ...base, self: 'a', members })).toEqual({ kind: 'none' })
  })

  it('after a partition heals the lower term steps down', () => {
    const own = { holder: 'a', term: 2, expiresAt: now + 5000 }
    const members = [m('a', { lease: own }), m('b', { lease: { holder: 'b', term: 3, expiresAt: now + 5000 } })]
    expect(currentHolder({ members, now, self: 'a', ownLease: own })?.holder).toBe('b')
    expect(decide({ ...base, self: 'a', members, ownLease: own })).toEqual({ kind: 'release' })
    expect(decide({ ...base, self: 'b', members, ownLease: { holder: 'b', term: 3, expiresAt: now + 5000 } }).kind).toBe('renew')
  })

  it('equal terms go to the lower node id', () => {
    const members = [m('a', { lease: { holder: 'a', term: 3, expiresAt: now + 5000 } }), m('b', { lease: { holder: 'b', term: 3, expiresAt: now + 5000 } })]
    expect(currentHolder({ members, now, self: 'b', ownLease: null })?.holder).toBe('a')
  })

  it('a pin wins while the pinned node is an alive candidate', () => {
    const members = [m('a', { lease: { holder: 'a', term: 1, expiresAt: now + 5000 } }), m('b')]
    expect(decide({ ...base, pin: 'b', self: 'b', members })).toEqual({ kind: 'claim', lease: { holder: 'b', term: 2, expiresAt: now + 15_000 } })
    expect(decide({ ...base, pin: 'b', self: 'a', members, ownLease: { holder: 'a', term: 1, expiresAt: now + 5000 } })).toEqual({ kind: 'release' })
  })

  it('a node that is not a candidate never claims', () => {
    expect(decide({ ...base, self: 'a', members: [m('a', { candidate: false })] })).toEqual({ kind: 'none' })
  })
})
