import { describe, expect, it } from 'vitest'
import { entryCovers, fleetWrites, matchesTarget, roleAllows, targetEntries } from '../../../node/commands/index.js'
import type { CommandEnvelope } from '../../../protocol/types.js'

const cmd = (action: CommandEnvelope['action'], params: Record<string, unknown>, target: CommandEnvelope['target'] = { kind: 'all' }): CommandEnvelope => ({
  v: 1, id: '01JZZZZZZZZZZZZZZZZZZZZZZZ', issuer: 'ed25519:x', issuedAt: '000001700000000-000000', expiresAt: 0, target, action, params, comment: '', sig: ''
})

describe('fleet writes', () => {
  it('role assignment keys name the literal target entry', () => {
    const regs = fleetWrites(cmd('role_assign', { role: 'web' }, { kind: 'nodes', nodes: ['id1', 'id2'] }), () => undefined)
    expect(regs.map(r => [r.key, r.value])).toEqual([['assign/id1/web', true], ['assign/id2/web', true]])
    expect(fleetWrites(cmd('role_unassign', { role: 'web' }, { kind: 'tag', tag: 'rack-a' }), () => undefined)[0]).toMatchObject({ key: 'assign/tag:rack-a/web', value: null })
  })

  it('code sync keeps the previous desired commit for rollback', () => {
    const prev = { role: 'web', sha: 'a'.repeat(40), strategy: 'rolling', batch: 1, paused: false }
    const [reg] = fleetWrites(cmd('code_sync', { role: 'web', commit: 'b'.repeat(40), strategy: 'rolling', batch: 2 }), () => prev)
    expect(reg.value).toMatchObject({ sha: 'b'.repeat(40), previous: 'a'.repeat(40), batch: 2 })
    const [back] = fleetWrites(cmd('code_rollback', { role: 'web' }), () => reg.value)
    expect(back.value).toMatchObject({ sha: 'a'.repeat(40), previous: 'b'.repeat(40) })
  })

  it('trust, roles, policy, pin and windows each write one register', () => {
    expect(fleetWrites(cmd('trust_add', { key: 'k', name: 'n', role: 'viewer' }), () => undefined)[0].key).toBe('trust/k')
    expect(fleetWrites(cmd('admission_policy', { policy: 'auto' }), () => undefined)[0]).toMatchObject({ key: 'policy/admission', value: 'auto' })
    expect(fleetWrites(cmd('maintenance_cancel', { id: 'w1' }), () => undefined)[0]).toMatchObject({ key: 'window/w1', value: null })
    expect(fleetWrites(cmd('admit', {}), () => undefined)).toEqual([])
  })

  it('entries cover nodes by id, name, role and tag', () => {
    const node = { id: 'id1', name: 'web1', roles: ['web'], tags: ['rack-a'] }
    for (const e of ['*', 'id1', 'web1', 'role:web', 'tag:rack-a']) expect(entryCovers(e, node)).toBe(true)
    for (const e of ['id2', 'role:db', 'tag:rack-b']) expect(entryCovers(e, node)).toBe(false)
    expect(targetEntries({ kind: 'role', role: 'web' })).toEqual(['role:web'])
  })

  it('targets match by id, name, role and tag', () => {
    const node = { id: 'id1', name: 'web1', roles: ['web'], tags: ['t'] }
    expect(matchesTarget({ kind: 'nodes', nodes: ['web1'] }, node)).toBe(true)
    expect(matchesTarget({ kind: 'role', role: 'db' }, node)).toBe(false)
    expect(matchesTarget({ kind: 'tag', tag: 't' }, node)).toBe(true)
  })

  it('viewers may do nothing, operators all but trust and policy, admins everything', () => {
    expect(roleAllows('viewer', 'retire')).toBe(false)
    expect(roleAllows('operator', 'retire')).toBe(true)
    expect(roleAllows('operator', 'trust_add')).toBe(false)
    expect(roleAllows('admin', 'trust_add')).toBe(true)
  })
})
