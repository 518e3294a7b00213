import { afterAll, describe, expect, it } from 'vitest'
import { briefOf, stableHash } from '../../../protocol/heartbeat.js'
import type { NodeEvent } from '../../../protocol/types.js'
import { cleanup, ev, heartbeat, hlc, openStore, reg } from './helpers.js'

afterAll(cleanup)

const event = (origin: string, seq: number, type: NodeEvent['type'], body: any): NodeEvent => ({ v: 1, origin, seq, hlc: hlc(1_700_000_000_000 + seq), type, body, sig: 's' }) as NodeEvent

describe('node records', () => {
  it('derive state from the last transition, install attempts, last error and running versions', async () => {
    const s = await openStore()
    expect(s.getNode('n')).toBeUndefined()
    await s.ingestEvents([
      event('n', 1, 'transition', { from: 'discovered', to: 'pending', trigger: 'operator' }),
      event('n', 2, 'install', { phase: 'failed', attempt: 1, message: 'apt broke' }),
      event('n', 3, 'install', { phase: 'failed', attempt: 2, message: 'apt broke again' }),
      event('n', 4, 'code_report', { role: 'backend', sha: 'abc', status: 'applied' })
    ])
    expect(s.getNode('n')).toMatchObject({ id: 'n', state: 'pending', installAttempts: 2, lastError: 'apt broke again', versions: { backend: 'abc' }, transitions: 1, lastHeartbeat: null })
    await s.ingestEvents([
      event('n', 5, 'install', { phase: 'complete', attempt: 3 }),
      event('n', 6, 'transition', { from: 'installing', to: 'online', trigger: 'node_report' })
    ])
    const n = s.getNode('n')
    expect(n).toMatchObject({ state: 'online', installAttempts: 0, transitions: 2 })
    expect(n?.lastError).toBeUndefined()
    await s.stop()
  })

  it('a node known only by heartbeat is listed as discovered, by id and by name', async () => {
    const s = await openStore()
    await s.applyHeartbeat(heartbeat('id-1', 'web-1', 1_700_000_000_000), 1234)
    expect(s.getNode('web-1')).toMatchObject({ id: 'id-1', name: 'web-1', state: 'discovered', lastHeartbeat: 1234 })
    expect(s.getNode('id-1')?.heartbeat?.name).toBe('web-1')
    expect(s.listNodes().map(n => n.id)).toEqual(['id-1'])
    await s.stop()
  })

  it('an older heartbeat arriving late does not replace a newer one, and heartbeats stay out of the digest', async () => {
    const s = await openStore()
    const before = s.replicaDigest()
    await s.applyHeartbeat(heartbeat('id-1', 'web-1', 2000, { health: { ...heartbeat('x', 'x', 0).health, cpuPercent: 50 } }), 10)
    await s.applyHeartbeat(heartbeat('id-1', 'web-1', 1000), 20)
    expect(s.getNode('id-1')).toMatchObject({ lastHeartbeat: 10 })
    expect(s.getNode('id-1')?.heartbeat?.health.cpuPercent).toBe(50)
    expect(s.replicaDigest()).toBe(before)
    await s.stop()
  })

  it('a brief heartbeat keeps the roles, services and ports of the full one before it', async () => {
    const s = await openStore()
    const full = heartbeat('id-1', 'web-1', 1000, { detectedRoles: { redis: { status: 'active', pathExists: true, serviceRunning: true, ports: [6379] } } })
    const withHash = { ...full, health: { ...full.health, listeningPorts: [{ port: 6379 }] } }
    const stable = { ...withHash, stable: stableHash(withHash) }
    await s.applyHeartbeat(stable, 10)
    await s.applyHeartbeat(briefOf({ ...stable, hlc: hlc(2000), health: { ...stable.health, cpuPercent: 77 } }), 20)
    const n = s.getNode('id-1')
    expect(n).toMatchObject({ lastHeartbeat: 20, roles: ['redis'] })
    expect(n?.heartbeat?.health).toMatchObject({ cpuPercent: 77, listeningPorts: [{ port: 6379 }] })
    expect(n?.heartbeat?.detectedRoles).toEqual(stable.detectedRoles)
    await s.stop()
  })

  it('the name learned from heartbeats survives a restart; the heartbeat itself does not', async () => {
    const s = await openStore()
    const path = (s as any).init.path as string
    await s.applyHeartbeat(heartbeat('id-1', 'web-1', 1000), 10)
    await s.stop()
    const again = await openStore(path)
    expect(again.getNode('web-1')).toMatchObject({ id: 'id-1', lastHeartbeat: null, heartbeat: null })
    await again.stop()
  })

  it('assigned roles and tags come from fleet registers, both key conventions, and filter listings', async () => {
    const s = await openStore()
    await s.applyHeartbeat(heartbeat('id-1', 'web-1', 1000, { tags: ['rack-a'], detectedRoles: { redis: { status: 'active', pathExists: true, serviceRunning: true, ports: [6379] } } }), 10)
    await s.applyHeartbeat(heartbeat('id-2', 'web-2', 1000), 10)
    await s.applyRegister(reg('assign/web-1/frontend', true, 5, 'A'))
    await s.applyRegister(reg('assign/tag:gpu/npu-worker', true, 5, 'B'))
    await s.applyRegister(reg('tag/id-2/gpu', true, 5, 'C'))
    await s.applyRegister(reg('assign/id-2', ['backend'], 5, 'D'))
    await s.applyRegister(reg('assign/*/slm-agent', true, 5, 'E'))
    await s.applyRegister(reg('assign/*/slm-agent', null, 6, 'F'))
    expect(s.getNode('id-1')).toMatchObject({ assignedRoles: ['frontend'], tags: ['rack-a'], roles: ['frontend', 'redis'] })
    expect(s.getNode('id-2')).toMatchObject({ assignedRoles: ['backend', 'npu-worker'], tags: ['gpu'], roles: ['backend', 'npu-worker'] })
    expect(s.listNodes({ role: 'redis' }).map(n => n.id)).toEqual(['id-1'])
    expect(s.listNodes({ role: 'npu-worker' }).map(n => n.id)).toEqual(['id-2'])
    expect(s.listNodes({ state: 'online' })).toEqual([])
    expect(s.listNodes({ state: 'discovered' })).toHaveLength(2)
    await s.stop()
  })

  it('statistics count nodes by state and by role, roles and transitions', async () => {
    const s = await openStore(undefined, 'local', { defaultRoles: [] })
    await s.ingestEvents([ev('a', 1, 'pending'), ev('a', 2, 'online'), ev('b', 1, 'pending')])
    await s.applyRegister(reg('assign/a/frontend', true, 5, 'A'))
    await s.applyRegister(reg('role/frontend', { name: 'frontend' }, 5, 'B'))
    expect(s.stats()).toMatchObject({ nodes: 2, byState: { online: 1, pending: 1 }, byRole: { frontend: 1 }, roles: 1, transitions: 3, events: 3, commands: 0, registers: 2 })
    await s.stop()
  })
})

describe('transition history', () => {
  it('pages newest first with a total; limit must be 1..200 and offset >= 0', async () => {
    const s = await openStore()
    await s.ingestEvents([1, 2, 3, 4, 5].map(i => ev('n', i, i % 2 === 0 ? 'online' : 'pending')))
    await s.ingestEvents([event('n', 6, 'install', { phase: 'started', attempt: 1 })])
    const page = s.history('n', { limit: 2, offset: 1 })
    expect(page).toMatchObject({ total: 5, limit: 2, offset: 1 })
    expect(page.items.map(i => i.seq)).toEqual([4, 3])
    expect(page.items[0]).toMatchObject({ from: 'discovered', to: 'online', trigger: 'system', hlc: hlc(1_700_000_000_004), at: 1_700_000_000_004 })
    expect(s.history('n', { limit: 200, offset: 0 }).items.map(i => i.seq)).toEqual([5, 4, 3, 2, 1])
    expect(s.history('n', { limit: 10, offset: 5 }).items).toEqual([])
    expect(s.history('nobody', { limit: 10, offset: 0 })).toEqual({ total: 0, limit: 10, offset: 0, items: [] })
    for (const bad of [{ limit: 0, offset: 0 }, { limit: 201, offset: 0 }, { limit: 1.5, offset: 0 }, { limit: 10, offset: -1 }, { limit: Number.NaN, offset: 0 }]) {
      expect(() => s.history('n', bad)).toThrow(expect.objectContaining({ name: 'ValidationError', code: 'ERR_BAD_PAGE' }))
    }
    await s.stop()
  })
})
