import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import type { CommandEnvelope, Register } from '../../../protocol/types.js'
import { cleanup, ev, openStore, tempDir } from './helpers.js'

afterAll(cleanup)

const cmd = (id: string): CommandEnvelope => ({ v: 1, id, issuer: 'ed25519:k', issuedAt: '001700000000000-000000', expiresAt: 2_000_000_000_000, target: { kind: 'all' }, action: 'admit', params: {}, comment: '', sig: 's' })
const reg = (key: string, value: unknown, ms: number, id: string): Register => ({ key, value, hlc: `${String(ms).padStart(15, '0')}-000000`, commandId: id })

describe('the replica store', () => {
  it('keeps each origin gap-free: a gap is refused until the missing events arrive', async () => {
    const s = await openStore()
    expect(await s.ingestEvents([ev('a', 1), ev('a', 3)])).toEqual({ stored: 1, duplicates: 0, gaps: 1 })
    expect(s.maxSeq('a')).toBe(1)
    expect(await s.ingestEvents([ev('a', 2), ev('a', 3), ev('a', 1)])).toEqual({ stored: 2, duplicates: 1, gaps: 0 })
    expect(s.eventsFrom('a', 1, 10).map(e => e.seq)).toEqual([1, 2, 3])
    await s.stop()
  })

  it('derives node state from transitions and pages history newest first with a total', async () => {
    const s = await openStore()
    await s.ingestEvents([1, 2, 3, 4, 5].map(i => ev('n', i, i % 2 === 0 ? 'online' : 'pending')))
    expect(s.getNode('n')?.state).toBe('pending')
    const page = s.history('n', { limit: 2, offset: 1 })
    expect(page.total).toBe(5)
    expect(page.items.map(i => i.seq)).toEqual([4, 3])
    expect(() => s.history('n', { limit: 0, offset: 0 })).toThrow(/limit/)
    expect(() => s.history('n', { limit: 201, offset: 0 })).toThrow(/limit/)
    await s.stop()
  })

  it('registers are last-writer-wins by (hlc, command id) whatever the arrival order, with tombstones', async () => {
    const s = await openStore()
    expect(await s.applyRegister(reg('role/x', { a: 2 }, 2, 'B'))).toBe(true)
    expect(await s.applyRegister(reg('role/x', { a: 1 }, 1, 'Z'))).toBe(false)
    expect(await s.applyRegister(reg('role/x', { a: 3 }, 2, 'A'))).toBe(false)
    expect(await s.applyRegister(reg('role/x', null, 3, 'C'))).toBe(true)
    expect(s.getRegister('role/x')?.value).toBeNull()
    expect(await s.applyRegister(reg('role/x', { a: 9 }, 2, 'Y'))).toBe(false)
    await s.stop()
  })

  it('the seen-set survives a restart, so replays fail after it too', async () => {
    const path = tempDir()
    const s = await openStore(path)
    await s.putCommand(cmd('01HZZZZZZZZZZZZZZZZZZZZZZA'))
    await s.stop()
    const again = await openStore(path)
    expect(again.hasSeen('01HZZZZZZZZZZZZZZZZZZZZZZA')).toBe(true)
    expect(again.replicaDigest()).toBe(again.recomputeReplicaDigest())
    await again.stop()
  })

  it('retention prunes the oldest events and the digest follows', async () => {
    const s = await openStore(tempDir(), 'local', { retention: { maxEventsPerOrigin: 100 } })
    await s.ingestEvents(Array.from({ length: 250 }, (_, i) => ev('a', i + 1)))
    expect(s.syncDigest().origins.a).toEqual({ min: 151, max: 250 })
    expect(s.replicaDigest()).toBe(s.recomputeReplicaDigest())
    expect(s.history('a', { limit: 1, offset: 0 }).total).toBe(250)
    await s.stop()
  })

  it('a snapshot base past a pruned gap is accepted once', async () => {
    const s = await openStore()
    await s.ingestEvents([ev('a', 1)])
    expect((await s.ingestEvents([ev('a', 50), ev('a', 51)], { snapshot: true })).stored).toBe(2)
    expect(s.syncDigest().origins.a).toEqual({ min: 50, max: 51 })
    expect(s.replicaDigest()).toBe(s.recomputeReplicaDigest())
    await s.stop()
  })

  it('local appends are numbered from 1 and signed', async () => {
    const s = await openStore()
    const a = await s.appendLocal('install', { phase: 'started', attempt: 1 })
    const b = await s.appendLocal('install', { phase: 'failed', attempt: 1, message: 'boom' })
    expect([a.seq, b.seq]).toEqual([1, 2])
    expect(s.getNode('local')?.installAttempts).toBe(1)
    expect(s.getNode('local')?.lastError).toBe('boom')
    await s.stop()
  })

  it('order independence: the same events, commands and registers in any order, with duplicates, give equal digests', async () => {
    const items = [
      ...[1, 2, 3, 4].map(i => ({ k: 'e' as const, v: ev('a', i) })),
      ...[1, 2].map(i => ({ k: 'e' as const, v: ev('b', i) })),
      ...['01HZZZZZZZZZZZZZZZZZZZZZZA', '01HZZZZZZZZZZZZZZZZZZZZZZB'].map(id => ({ k: 'c' as const, v: cmd(id) })),
      { k: 'r' as const, v: reg('trust/x', { n: 1 }, 5, 'A') },
      { k: 'r' as const, v: reg('trust/x', { n: 2 }, 6, 'B') },
      { k: 'r' as const, v: reg('role/y', null, 7, 'C') }
    ]
    const apply = async (order: typeof items): Promise<string> => {
      const s = await openStore()
      // Events of one origin may arrive out of order: retry gaps the way anti-entropy would.
      let pending = order
      for (let round = 0; round < 10 && pending.length > 0; round++) {
        const next: typeof items = []
        for (const it of pending) {
          if (it.k === 'e') { const r = await s.ingestEvents([it.v]); if (r.gaps > 0) next.push(it) } else if (it.k === 'c') await s.putCommand(it.v)
          else await s.applyRegister(it.v)
        }
        pending = next
      }
      const d = s.replicaDigest()
      expect(d).toBe(s.recomputeReplicaDigest())
      await s.stop()
      return d
    }
    const reference = await apply(items)
    // Every item twice (duplicates), in a random order each run.
    await fc.assert(fc.asyncProperty(fc.shuffledSubarray([...items, ...items], { minLength: items.length * 2 }), async (order) => {
      expect(await apply(order)).toBe(reference)
    }), { numRuns: 15, seed: 42 })
    const smaller = await apply(items.slice(1))
    expect(smaller).not.toBe(reference)
  })
})
