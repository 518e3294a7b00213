import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import type { RoleDefinition } from '../../../protocol/types.js'
import { registerWins } from '../../../node/store/index.js'
import { cleanup, cmd, openStore, reg, tempDir } from './helpers.js'

afterAll(cleanup)

const role = (name: string): RoleDefinition => ({ name, displayName: name, description: '', serviceType: 'stateless', systemdServices: [], requiredTags: [], dependencies: [], healthChecks: [], updateStrategies: ['all-at-once'], sourcePaths: [], targetPath: name, autoRestart: false, ports: [] })

describe('fleet registers', () => {
  it('are last-writer-wins by (hlc, command id) whatever the arrival order, with tombstones', async () => {
    const s = await openStore()
    expect(await s.applyRegister(reg('role/x', { a: 2 }, 2, 'B'))).toBe(true)
    expect(await s.applyRegister(reg('role/x', { a: 1 }, 1, 'Z'))).toBe(false)
    expect(await s.applyRegister(reg('role/x', { a: 3 }, 2, 'A'))).toBe(false)
    expect(await s.applyRegister(reg('role/x', { a: 3 }, 2, 'B'))).toBe(false) // the same write again
    expect(await s.applyRegister(reg('role/x', { a: 4 }, 2, 'C'))).toBe(true) // same hlc, higher id
    expect(await s.applyRegister(reg('role/x', null, 3, 'C'))).toBe(true)
    expect(s.getRegister('role/x')?.value).toBeNull()
    expect(await s.applyRegister(reg('role/x', { a: 9 }, 2, 'Y'))).toBe(false) // no resurrection
    expect(s.replicaDigest()).toBe(s.recomputeReplicaDigest())
    await s.stop()
  })

  it('reads by key see every write that won, though reads are cached (misses too)', async () => {
    const s = await openStore()
    expect(s.getRegister('codesource/pin')).toBeUndefined()
    await s.applyRegister(reg('codesource/pin', 'n1', 1, 'A'))
    expect(s.getRegister('codesource/pin')?.value).toBe('n1')
    await s.applyRegister(reg('codesource/pin', 'n0', 0, 'A')) // older: loses
    expect(s.getRegister('codesource/pin')?.value).toBe('n1')
    await s.applyRegister(reg('codesource/pin', null, 2, 'A'))
    expect(s.getRegister('codesource/pin')?.value).toBeNull()
    await s.stop()
  })

  it('converge to the same winner for any permutation of writes (property)', async () => {
    const write = fc.record({ key: fc.constantFrom('k/1', 'k/2'), ms: fc.integer({ min: 1, max: 4 }), id: fc.constantFrom('A', 'B', 'C'), value: fc.oneof(fc.constant(null), fc.integer()) })
    await fc.assert(fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 12 }).chain(ws => fc.tuple(fc.constant(ws), fc.shuffledSubarray(ws, { minLength: ws.length }))), async ([ws, shuffled]) => {
      // One value per (hlc, id): a command writes a key once.
      const uniq = new Map(ws.map(w => [`${w.key}|${w.ms}|${w.id}`, w]))
      const pick = (list: typeof ws): typeof ws => list.map(w => uniq.get(`${w.key}|${w.ms}|${w.id}`)!)
      const a = await openStore()
      const b = await openStore()
      for (const w of pick(ws)) await a.applyRegister(reg(w.key, w.value, w.ms, w.id))
      for (const w of pick(shuffled)) await b.applyRegister(reg(w.key, w.value, w.ms, w.id))
      expect(b.listRegisters('k/')).toEqual(a.listRegisters('k/'))
      expect(b.replicaDigest()).toBe(a.replicaDigest())
      await a.stop()
      await b.stop()
    }), { numRuns: 20, seed: 7 })
  })

  it('the merge rule is a strict total order on (hlc, command id)', () => {
    const r = (ms: number, id: string): { hlc: string, commandId: string } => reg('k', 1, ms, id)
    expect(registerWins(r(2, 'A'), r(1, 'Z'))).toBe(true)
    expect(registerWins(r(1, 'B'), r(1, 'A'))).toBe(true)
    expect(registerWins(r(1, 'A'), r(1, 'A'))).toBe(false)
    expect(registerWins(r(1, 'Z'), r(2, 'A'))).toBe(false)
  })

  it('roles() merges the defaults under role registers; a deleted default stays deleted', async () => {
    const s = await openStore(tempDir(), 'local', { defaultRoles: [role('redis'), role('frontend')] })
    expect(s.roles().map(r => r.name)).toEqual(['frontend', 'redis'])
    await s.applyRegister(reg('role/redis', { ...role('redis'), description: 'ours' }, 5, 'A'))
    await s.applyRegister(reg('role/frontend', null, 5, 'B'))
    await s.applyRegister(reg('role/custom', role('custom'), 5, 'C'))
    expect(s.roles().map(r => [r.name, r.description])).toEqual([['custom', ''], ['redis', 'ours']])
    // Cached between changes, and shared: frozen so that no caller can change it for the others.
    expect(s.roles()).toBe(s.roles())
    expect(Object.isFrozen(s.roles())).toBe(true)
    await s.stop()
  })

  it('assignments() is read again after any register change', async () => {
    const s = await openStore()
    expect(s.assignments()).toEqual({ assign: [], tags: [] })
    await s.applyRegister(reg('assign/web-1/frontend', true, 5, 'A'))
    await s.applyRegister(reg('tag/web-1/gpu', true, 5, 'B'))
    const first = s.assignments()
    expect(first.assign).toEqual([{ entry: 'web-1', name: 'frontend' }])
    expect(first.tags).toEqual([{ entry: 'web-1', name: 'gpu' }])
    expect(s.assignments()).toBe(first)
    await s.applyRegister(reg('assign/web-1/frontend', null, 6, 'C'))
    expect(s.assignments().assign).toEqual([])
    await s.stop()
  })

  it('trust starts from the bootstrap entries, which any signed command overrides', async () => {
    const path = tempDir()
    const boot = [{ key: 'ed25519:admin', name: 'root', role: 'admin' as const }]
    const s = await openStore(path, 'local', { bootstrapTrust: boot })
    expect(s.trustList()).toEqual(boot)
    await s.applyRegister(reg('trust/ed25519:admin', { key: 'ed25519:admin', name: 'alice', role: 'admin' }, 1, 'A'))
    await s.applyRegister(reg('trust/ed25519:viewer', { key: 'ed25519:viewer', name: 'bob', role: 'viewer' }, 1, 'B'))
    await s.stop()
    // Restarting with the same bootstrap list does not undo the signed change.
    const again = await openStore(path, 'local', { bootstrapTrust: boot })
    expect(again.trustList().map(t => t.name)).toEqual(['alice', 'bob'])
    expect(again.trustEntry('ed25519:viewer')).toMatchObject({ name: 'bob', role: 'viewer' })
    await again.applyRegister(reg('trust/ed25519:viewer', null, 2, 'C'))
    expect(again.trustList().map(t => t.name)).toEqual(['alice'])
    // One key's entry agrees with the list: present, removed, never added.
    expect(again.trustEntry('ed25519:admin')).toEqual(again.trustList()[0])
    expect(again.trustEntry('ed25519:viewer')).toBeUndefined()
    expect(again.trustEntry('ed25519:nobody')).toBeUndefined()
    await again.stop()
  })

  it('windows() lists live maintenance windows by start', async () => {
    const s = await openStore()
    const w = (id: string, start: number): object => ({ id, nodes: [], start, end: start + 10, type: 'planned', reason: '' })
    await s.applyRegister(reg('window/b', w('b', 200), 1, 'A'))
    await s.applyRegister(reg('window/a', w('a', 100), 1, 'B'))
    await s.applyRegister(reg('window/c', w('c', 50), 1, 'C'))
    expect(s.windows().map(x => x.id)).toEqual(['c', 'a', 'b'])
    await s.applyRegister(reg('window/c', null, 2, 'D'))
    expect(s.windows().map(x => x.id)).toEqual(['a', 'b'])
    expect(Object.isFrozen(s.windows())).toBe(true)
    expect(s.listRegisters('window/').map(r => r.key)).toEqual(['window/a', 'window/b', 'window/c'])
    await s.stop()
  })
})

describe('the command log and seen-set', () => {
  it('stores a command once, in id order, and marks it seen in the same write', async () => {
    const s = await openStore()
    expect(await s.putCommand(cmd('01B'))).toBe(true)
    expect(await s.putCommand(cmd('01A'))).toBe(true)
    expect(await s.putCommand(cmd('01B'))).toBe(false)
    expect(s.getCommand('01A')?.id).toBe('01A')
    expect(s.listCommands().map(c => c.id)).toEqual(['01A', '01B'])
    expect(s.listCommands({ after: '01A' }).map(c => c.id)).toEqual(['01B'])
    expect(s.listCommands({ limit: 1 }).map(c => c.id)).toEqual(['01A'])
    expect(s.commandIds()).toEqual(['01A', '01B'])
    expect(s.hasSeen('01A') && s.hasSeen('01B')).toBe(true)
    expect(s.syncDigest().commands.count).toBe(2)
    await s.stop()
  })

  it('the seen-set survives a restart, so replays fail after it too', async () => {
    const path = tempDir()
    const s = await openStore(path)
    await s.putCommand(cmd('01HZZZZZZZZZZZZZZZZZZZZZZA'))
    await s.markSeen('01REJECTED', 2_000_000_000_000)
    await s.stop()
    const again = await openStore(path)
    expect(again.hasSeen('01HZZZZZZZZZZZZZZZZZZZZZZA')).toBe(true)
    expect(again.hasSeen('01REJECTED')).toBe(true)
    expect(again.hasSeen('01NEVER')).toBe(false)
    expect(again.replicaDigest()).toBe(again.recomputeReplicaDigest())
    await again.stop()
  })

  it('prunes seen marks past their expiry, keeping the replicated command log', async () => {
    const s = await openStore()
    await s.putCommand(cmd('01OLD', 1000))
    await s.markSeen('01ALSO-OLD', 1500)
    await s.putCommand(cmd('01NEW', 5000))
    const digest = s.replicaDigest()
    expect(await s.pruneSeen(2000)).toBe(2)
    expect([s.hasSeen('01OLD'), s.hasSeen('01ALSO-OLD'), s.hasSeen('01NEW')]).toEqual([false, false, true])
    expect(s.getCommand('01OLD')).toBeDefined()
    expect(s.replicaDigest()).toBe(digest)
    await s.stop()
  })
})
