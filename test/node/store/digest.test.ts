/**
 * The replica digest: equal on two replicas exactly when they hold the same state, however and in
 * whatever order the state arrived; incremental, and always equal to a full recompute.
 */
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { applyAll, cleanup, cmd, ev, openStore, reg, tempDir, type Item } from './helpers.js'

afterAll(cleanup)

/** A random replica state: 1..3 origins with 1..6 events each, some commands, some registers. */
const stateArb = fc.record({
  origins: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
  commands: fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 4 }),
  registers: fc.array(fc.record({ key: fc.constantFrom('trust/a', 'role/b', 'assign/n/c', 'desired/d'), ms: fc.integer({ min: 1, max: 5 }), id: fc.constantFrom('A', 'B'), value: fc.oneof(fc.constant(null), fc.string({ maxLength: 4 })) }), { maxLength: 5 })
})

type State = typeof stateArb extends fc.Arbitrary<infer T> ? T : never

function items (st: State): Item[] {
  const out: Item[] = []
  st.origins.forEach((n, o) => { for (let s = 1; s <= n; s++) out.push({ k: 'e', v: ev(`origin-${o}`, s, s % 2 === 0 ? 'online' : 'pending') }) })
  for (const c of st.commands) out.push({ k: 'c', v: cmd(`01CMD${String(c).padStart(3, '0')}`) })
  // A command writes a key once: one value per (key, hlc, id).
  const regs = new Map(st.registers.map(r => [`${r.key}|${r.ms}|${r.id}`, reg(r.key, r.value, r.ms, r.id)]))
  for (const r of regs.values()) out.push({ k: 'r', v: r })
  return out
}

async function digestOf (order: Item[]): Promise<{ incremental: string, full: string }> {
  const s = await openStore()
  await applyAll(s, order)
  const d = { incremental: s.replicaDigest(), full: s.recomputeReplicaDigest() }
  await s.stop()
  return d
}

describe('the replica digest', () => {
  it('is order-independent: the same events, commands and registers in two random orders, with duplicates, give equal digests (property)', async () => {
    const arb = stateArb.chain(st => {
      const all = items(st)
      const twice = [...all, ...all]
      return fc.tuple(fc.constant(all), fc.shuffledSubarray(twice, { minLength: twice.length }), fc.shuffledSubarray(twice, { minLength: all.length }))
    })
    await fc.assert(fc.asyncProperty(arb, async ([all, orderA, orderB]) => {
      // orderB may drop some duplicates but must still hold every item once.
      const keyOf = (it: Item): string => JSON.stringify(it.v)
      const missing = all.filter(it => !orderB.some(o => keyOf(o) === keyOf(it)))
      const a = await digestOf(orderA)
      const b = await digestOf([...orderB, ...missing])
      expect(a.incremental).toBe(a.full)
      expect(b.incremental).toBe(b.full)
      expect(b.incremental).toBe(a.incremental)
    }), { numRuns: 25, seed: 2 })
  }, 120_000)

  it('differs when the replicas hold different state: one event, command or winning register less', async () => {
    await fc.assert(fc.asyncProperty(stateArb, fc.nat(), async (st, pick) => {
      const all = items(st)
      const reference = await digestOf(all)
      // Drop the last event of an origin, a command, or the whole history of one register key.
      const candidates: Item[][] = []
      const lastEvents = all.filter((it, i) => it.k === 'e' && !all.slice(i + 1).some(o => o.k === 'e' && o.v.origin === it.v.origin))
      for (const e of lastEvents) candidates.push(all.filter(it => it !== e))
      for (const c of all.filter(it => it.k === 'c')) candidates.push(all.filter(it => it !== c))
      for (const key of new Set(all.filter(it => it.k === 'r').map(it => (it.v as any).key))) candidates.push(all.filter(it => !(it.k === 'r' && it.v.key === key)))
      const smaller = await digestOf(candidates[pick % candidates.length])
      expect(smaller.incremental).not.toBe(reference.incremental)
    }), { numRuns: 15, seed: 3 })
  }, 120_000)

  it('is O(1) to read, persists across restarts and equals the full recompute', async () => {
    const path = tempDir()
    const s = await openStore(path)
    await s.ingestEvents(Array.from({ length: 30 }, (_, i) => ev('a', i + 1)))
    await s.putCommand(cmd('01A'))
    await s.applyRegister(reg('role/x', { n: 1 }, 1, 'A'))
    await s.applyRegister(reg('role/x', { n: 2 }, 2, 'B'))
    const d = s.replicaDigest()
    expect(s.syncDigest()).toMatchObject({ origins: { a: { min: 1, max: 30 } }, commands: { count: 1 }, registers: { count: 1 } })
    await s.stop()
    const again = await openStore(path)
    expect(again.replicaDigest()).toBe(d)
    expect(again.recomputeReplicaDigest()).toBe(d)
    await again.stop()
  })
})

describe('snapshots', () => {
  it('a snapshot round-trip gives an equal digest, records and recent history', async () => {
    const src = await openStore(tempDir(), 'src', { retention: { maxEventsPerOrigin: 10 } })
    await src.ingestEvents(Array.from({ length: 25 }, (_, i) => ev('a', i + 1, i === 3 ? 'online' : 'pending')))
    await src.ingestEvents([ev('b', 1, 'online')])
    for (let i = 0; i < 3; i++) await src.appendLocal('install', { phase: 'progress', attempt: 1 })
    await src.putCommand(cmd('01A'))
    await src.applyRegister(reg('role/x', null, 2, 'B'))
    const snap = JSON.parse(JSON.stringify(src.exportSnapshot())) // it crosses the wire
    expect(snap.events).toHaveLength(10 + 1 + 3)

    const dst = await openStore(tempDir(), 'dst', { retention: { maxEventsPerOrigin: 10 } })
    await dst.ingestEvents([ev('a', 1), ev('a', 2)]) // far behind: a was pruned past seq 2 at src
    const res = await dst.importSnapshot(snap)
    expect(res.stored).toBe(14)
    expect(dst.replicaDigest()).toBe(src.replicaDigest())
    expect(dst.recomputeReplicaDigest()).toBe(src.replicaDigest())
    expect(dst.syncDigest()).toEqual(src.syncDigest())
    expect(dst.getNode('a')).toMatchObject({ state: 'pending', transitions: 25, seq: 25 })
    expect(dst.history('a', { limit: 3, offset: 0 }).items.map(i => i.seq)).toEqual([25, 24, 23])
    // Importing it again changes nothing.
    expect((await dst.importSnapshot(snap)).stored).toBe(0)
    expect(dst.replicaDigest()).toBe(src.replicaDigest())
    await src.stop()
    await dst.stop()
  })

  it('never imports our own log from a peer', async () => {
    const src = await openStore(tempDir(), 'src')
    await src.appendLocal('install', { phase: 'started', attempt: 1 })
    const dst = await openStore(tempDir(), 'src')
    expect(await dst.importSnapshot(src.exportSnapshot())).toEqual({ stored: 0, duplicates: 1, gaps: 0 })
    await src.stop()
    await dst.stop()
  })
})
