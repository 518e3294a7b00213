import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { open } from 'lmdb'
import { afterAll, describe, expect, it } from 'vitest'
import type { ReplicaChange } from '../../../protocol/control.js'
import { HybridClock } from '../../../protocol/hlc.js'
import { createStore, SCHEMA_VERSION } from '../../../node/store/index.js'
import { cleanup, cmd, ev, heartbeat, openStore, reg, stubSign, tempDir } from './helpers.js'

afterAll(cleanup)

const make = (path: string): ReturnType<typeof createStore> => createStore({ path }, { clock: new HybridClock(), localId: 'local', sign: stubSign })

function meta (path: string): { schema: number, migrations: unknown[], close: () => Promise<void> } {
  const root = open({ path, maxDbs: 32 })
  const m = root.openDB<any, string>({ name: 'meta' })
  return { schema: m.get('schema'), migrations: m.get('migrations') ?? [], close: async () => { await root.close() } }
}

describe('store lifecycle', () => {
  it('records the schema version and runs each migration once', async () => {
    const path = tempDir()
    const s = await openStore(path)
    await s.stop()
    await (await openStore(path)).stop()
    const m = meta(path)
    expect(m.schema).toBe(SCHEMA_VERSION)
    expect(m.migrations.map((x: any) => x.to)).toEqual([1, 2])
    await m.close()
  })

  it('upgrades a schema-1 replica (bare events, old digests) without losing anything', async () => {
    const path = tempDir()
    const root = open({ path, maxDbs: 32, compression: false })
    const events = root.openDB<any, [string, number]>({ name: 'events', keyEncoding: 'ordered-binary' })
    const heads = root.openDB<any, string>({ name: 'heads' })
    const m = root.openDB<any, string>({ name: 'meta' })
    await root.transaction(() => {
      for (let i = 1; i <= 3; i++) events.put(['a', i], ev('a', i))
      heads.put('a', { min: 1, max: 3 })
      m.put('schema', 1)
      m.put('digests', { events: 'ff'.repeat(32), commands: '00'.repeat(32), registers: '00'.repeat(32), commandCount: 0, registerCount: 0 })
    })
    await root.close()
    const s = await openStore(path)
    expect(s.eventsFrom('a', 1, 10)).toEqual([1, 2, 3].map(i => ev('a', i)))
    expect(s.replicaDigest()).toBe(s.recomputeReplicaDigest())
    expect((await s.ingestEvents([ev('a', 4)])).stored).toBe(1)
    await s.stop()
  })

  it('refuses a replica written by a newer schema', async () => {
    const path = tempDir()
    await (await openStore(path)).stop()
    const root = open({ path, maxDbs: 32 })
    await root.openDB<any, string>({ name: 'meta' }).put('schema', SCHEMA_VERSION + 1)
    await root.close()
    await expect(make(path).start()).rejects.toMatchObject({ name: 'SlmError', code: 'ERR_SCHEMA_NEWER' })
  })

  it('turns open errors into coded SlmErrors, never a crash', async () => {
    const file = join(tempDir(), 'not-a-dir')
    writeFileSync(file, 'x')
    await expect(make(file).start()).rejects.toMatchObject({ name: 'SlmError', code: expect.stringMatching(/^ERR_STORE_/) })
    const corrupt = join(tempDir(), 'corrupt')
    mkdirSync(corrupt)
    writeFileSync(join(corrupt, 'data.mdb'), Buffer.alloc(64 * 1024, 0x5a))
    await expect(make(corrupt).start()).rejects.toMatchObject({ name: 'SlmError', code: expect.stringMatching(/^ERR_STORE_/) })
  })

  it('refuses use before start and after stop with ERR_STORE_CLOSED', async () => {
    const s = make(tempDir())
    expect(() => s.eventsFrom('a', 1, 1)).toThrow(expect.objectContaining({ code: 'ERR_STORE_CLOSED' }))
    await s.start()
    await s.stop()
    await expect(s.appendLocal('install', { phase: 'started', attempt: 1 })).rejects.toMatchObject({ code: 'ERR_STORE_CLOSED' })
    await s.stop() // idempotent
  })

  it('stop waits for writes in flight', async () => {
    const path = tempDir()
    const s = await openStore(path)
    const writes = Array.from({ length: 50 }, async () => await s.appendLocal('install', { phase: 'progress', attempt: 1 }))
    await s.stop()
    await Promise.all(writes)
    const again = await openStore(path)
    expect(again.maxSeq('local')).toBe(50)
    await again.stop()
  })
})

describe('the change feed', () => {
  it('emits one typed change per stored event, command, register and heartbeat, with receivedAt', async () => {
    const s = await openStore()
    const seen: ReplicaChange[] = []
    const viaEvent: ReplicaChange[] = []
    const off = s.onChange((c) => { seen.push(c) })
    const listener = (e: CustomEvent<ReplicaChange>): void => { viaEvent.push(e.detail) }
    s.addEventListener('change', listener)
    s.addEventListener('change', () => { throw new Error('a broken subscriber') })
    const t0 = Date.now()
    await s.appendLocal('install', { phase: 'started', attempt: 1 })
    await s.ingestEvents([ev('a', 1), ev('a', 1), ev('a', 3)])
    await s.putCommand(cmd('01A'))
    await s.putCommand(cmd('01A'))
    await s.applyRegister(reg('role/x', null, 1, 'A'))
    await s.applyRegister(reg('role/x', null, 0, 'A'))
    await s.applyHeartbeat(heartbeat('n', 'web', 1000), 42)
    expect(seen.map(c => [c.kind, c.origin, c.seq, c.type])).toEqual([
      ['event', 'local', 1, 'install'],
      ['event', 'a', 1, 'transition'],
      ['command', 'ed25519:k', null, 'admit'],
      ['register', 'A', null, 'role'],
      ['heartbeat', 'n', 0, 'heartbeat']
    ])
    expect(seen[0].receivedAt).toBeGreaterThanOrEqual(t0)
    expect(seen[4].receivedAt).toBe(42)
    expect(seen[1].event?.seq).toBe(1)
    expect(seen[3]).toMatchObject({ key: 'role/x', value: null })
    expect(viaEvent).toEqual(seen)
    off()
    s.removeEventListener('change', listener)
    await s.appendLocal('install', { phase: 'started', attempt: 1 })
    expect(seen).toHaveLength(5)
    expect(viaEvent).toHaveLength(5)
    await s.stop()
  })
})
