import { afterAll, describe, expect, it } from 'vitest'
import type { NodeEvent } from '../../../protocol/types.js'
import { createStore } from '../../../node/store/index.js'
import { HybridClock } from '../../../protocol/hlc.js'
import { cleanup, ev, openStore, tempDir } from './helpers.js'

afterAll(cleanup)

describe('the event log', () => {
  it('keeps each origin gap-free: a gap is refused until the missing events arrive', async () => {
    const s = await openStore()
    expect(await s.ingestEvents([ev('a', 1), ev('a', 3)])).toEqual({ stored: 1, duplicates: 0, gaps: 1 })
    expect(s.maxSeq('a')).toBe(1)
    expect(await s.ingestEvents([ev('a', 2), ev('a', 3), ev('a', 1)])).toEqual({ stored: 2, duplicates: 1, gaps: 0 })
    expect(s.eventsFrom('a', 1, 10).map(e => e.seq)).toEqual([1, 2, 3])
    expect(s.eventsFrom('a', 2, 1).map(e => e.seq)).toEqual([2])
    expect(s.eventsFrom('a', 1, 0)).toEqual([])
    expect(s.maxSeq('nobody')).toBe(0)
    await s.stop()
  })

  it('a shuffled batch from several origins lands in seq order', async () => {
    const s = await openStore()
    const batch = [ev('b', 2), ev('a', 2), ev('b', 1), ev('a', 1), ev('a', 3)]
    expect(await s.ingestEvents(batch)).toEqual({ stored: 5, duplicates: 0, gaps: 0 })
    expect(s.syncDigest().origins).toEqual({ a: { min: 1, max: 3 }, b: { min: 1, max: 2 } })
    await s.stop()
  })

  it('ignores copies of our own events: this node is the only author of its log', async () => {
    const s = await openStore(tempDir(), 'me')
    await s.appendLocal('install', { phase: 'started', attempt: 1 })
    expect(await s.ingestEvents([ev('me', 1), ev('me', 2)])).toEqual({ stored: 0, duplicates: 2, gaps: 0 })
    expect(s.maxSeq('me')).toBe(1)
    await s.stop()
  })

  it('numbers local appends from 1, signs them, and folds them into our record', async () => {
    const s = await openStore()
    const a = await s.appendLocal('install', { phase: 'started', attempt: 1 })
    const b = await s.appendLocal('install', { phase: 'failed', attempt: 1, message: 'boom' })
    expect([a.seq, b.seq]).toEqual([1, 2])
    expect(a.sig).toBe('stub')
    expect(b.hlc > a.hlc).toBe(true)
    expect(s.getNode('local')).toMatchObject({ installAttempts: 1, lastError: 'boom', seq: 2 })
    await s.stop()
  })

  it('hundreds of concurrent appends share commits and still get contiguous seqs', async () => {
    const s = await openStore()
    const events = await Promise.all(Array.from({ length: 500 }, async (_, i) => await s.appendLocal('install', { phase: 'progress', attempt: 1, message: `m${i}` })))
    expect(events.map(e => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1))
    expect(s.eventsFrom('local', 1, 1000).map(e => e.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1))
    expect(s.replicaDigest()).toBe(s.recomputeReplicaDigest())
    await s.stop()
  })

  it('accepts an asynchronous signer and keeps seq order', async () => {
    const s = createStore({ path: tempDir() }, {
      clock: new HybridClock(),
      localId: 'local',
      sign: async (u) => await new Promise<NodeEvent>(resolve => setTimeout(() => { resolve({ ...u, sig: 'late' } as NodeEvent) }, Math.random() * 5))
    })
    await s.start()
    const events = await Promise.all([1, 2, 3, 4, 5].map(async () => await s.appendLocal('install', { phase: 'progress', attempt: 1 })))
    expect(events.map(e => e.seq)).toEqual([1, 2, 3, 4, 5])
    expect(s.maxSeq('local')).toBe(5)
    await s.stop()
  })

  it('a failed signer rejects the append and does not burn its seq', async () => {
    let fail = true
    const s = createStore({ path: tempDir() }, {
      clock: new HybridClock(),
      localId: 'local',
      sign: (u) => { if (fail) throw new Error('no key'); return { ...u, sig: 'ok' } as NodeEvent }
    })
    await s.start()
    await expect(s.appendLocal('install', { phase: 'started', attempt: 1 })).rejects.toThrow('no key')
    fail = false
    expect((await s.appendLocal('install', { phase: 'started', attempt: 1 })).seq).toBe(1)
    await s.stop()
  })

  it('retention keeps exactly (max - keep, max] of an origin and the digest follows', async () => {
    const s = await openStore(tempDir(), 'local', { retention: { maxEventsPerOrigin: 100 } })
    await s.ingestEvents(Array.from({ length: 250 }, (_, i) => ev('a', i + 1)))
    expect(s.syncDigest().origins.a).toEqual({ min: 151, max: 250 })
    expect(s.eventsFrom('a', 1, 1)[0].seq).toBe(151)
    expect(s.replicaDigest()).toBe(s.recomputeReplicaDigest())
    // History outlives pruning.
    expect(s.history('a', { limit: 1, offset: 0 }).total).toBe(250)
    await s.ingestEvents([ev('a', 251)])
    expect(s.syncDigest().origins.a).toEqual({ min: 152, max: 251 })
    expect(s.replicaDigest()).toBe(s.recomputeReplicaDigest())
    await s.stop()
  })

  it('two replicas that pruned at different moments hold the same events and digest', async () => {
    const keep = { retention: { maxEventsPerOrigin: 20 } }
    const one = await openStore(tempDir(), 'x', keep)
    const two = await openStore(tempDir(), 'y', keep)
    const all = Array.from({ length: 75 }, (_, i) => ev('a', i + 1))
    await one.ingestEvents(all)
    for (let i = 0; i < all.length; i += 7) await two.ingestEvents(all.slice(i, i + 7))
    expect(one.replicaDigest()).toBe(two.replicaDigest())
    await one.stop()
    await two.stop()
  })

  it('a snapshot base past a pruned gap replaces what we held of that origin', async () => {
    const s = await openStore()
    await s.ingestEvents([ev('a', 1)])
    expect((await s.ingestEvents([ev('a', 50), ev('a', 51)], { snapshot: true })).stored).toBe(2)
    expect(s.syncDigest().origins.a).toEqual({ min: 50, max: 51 })
    expect(s.eventsFrom('a', 0, 10).map(e => e.seq)).toEqual([50, 51])
    expect(s.replicaDigest()).toBe(s.recomputeReplicaDigest())
    await s.stop()
  })
})
