/**
 * A bystander's copy of a command (a node action for other members) waits BYSTANDER_DELAY_MS
 * before it is stored; commands this node acts on are never held. Fake timers: the delay is the
 * behaviour under test, not a performance figure.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BystanderQueue, BYSTANDER_DELAY_MS, isBystander, isOwnAction } from '../../../node/commands/bystander.js'
import type { CommandEnvelope } from '../../../protocol/types.js'

const self = { id: 'id-n1', name: 'n1', roles: ['web'], tags: ['eu'] }
const cmd = (action: string, target: CommandEnvelope['target'], id = action): CommandEnvelope =>
  ({ id, action, target } as unknown as CommandEnvelope)

describe('which copies a node may hold back', () => {
  it('a node action aimed elsewhere is a bystander copy', () => {
    expect(isBystander(cmd('maintenance_enter', { kind: 'nodes', nodes: ['n2'] }), self)).toBe(true)
    expect(isBystander(cmd('retire', { kind: 'role', role: 'db' }), self)).toBe(true)
    expect(isBystander(cmd('admit', { kind: 'tag', tag: 'us' }), self)).toBe(true)
  })

  it('a node action that names this node (by id, name, role or tag, or all) is not', () => {
    expect(isBystander(cmd('maintenance_enter', { kind: 'nodes', nodes: ['n1'] }), self)).toBe(false)
    expect(isBystander(cmd('maintenance_enter', { kind: 'nodes', nodes: ['id-n1'] }), self)).toBe(false)
    expect(isBystander(cmd('retire', { kind: 'role', role: 'web' }), self)).toBe(false)
    expect(isBystander(cmd('admit', { kind: 'tag', tag: 'eu' }), self)).toBe(false)
    expect(isBystander(cmd('admit', { kind: 'all' }), self)).toBe(false)
  })

  it('a fleet write is never held, whatever it targets: every node applies it', () => {
    expect(isBystander(cmd('role_assign', { kind: 'nodes', nodes: ['n2'] }), self)).toBe(false)
    expect(isBystander(cmd('code_sync', { kind: 'role', role: 'db' }), self)).toBe(false)
  })
})

describe('which local commands may ride with the events of their application', () => {
  it('a node action for this node alone, by id or name', () => {
    expect(isOwnAction(cmd('maintenance_enter', { kind: 'nodes', nodes: ['n1'] }), self)).toBe(true)
    expect(isOwnAction(cmd('maintenance_exit', { kind: 'nodes', nodes: ['id-n1', 'n1'] }), self)).toBe(true)
  })

  it('not one that other members act on too, or a fleet write', () => {
    expect(isOwnAction(cmd('maintenance_enter', { kind: 'nodes', nodes: ['n1', 'n2'] }), self)).toBe(false)
    expect(isOwnAction(cmd('maintenance_enter', { kind: 'nodes', nodes: ['n2'] }), self)).toBe(false)
    expect(isOwnAction(cmd('maintenance_enter', { kind: 'nodes', nodes: [] }), self)).toBe(false)
    expect(isOwnAction(cmd('retire', { kind: 'role', role: 'web' }), self)).toBe(false)
    expect(isOwnAction(cmd('admit', { kind: 'all' }), self)).toBe(false)
    expect(isOwnAction(cmd('role_assign', { kind: 'nodes', nodes: ['n1'] }), self)).toBe(false)
  })
})

describe('BystanderQueue', () => {
  beforeEach(() => { vi.useFakeTimers() })
  afterEach(() => { vi.useRealTimers() })

  it('hands held copies on together, in arrival order, BYSTANDER_DELAY_MS after the first', () => {
    const got: string[] = []
    const q = new BystanderQueue((c) => { got.push(c.id) })
    q.add(cmd('admit', { kind: 'all' }, 'a'))
    vi.advanceTimersByTime(BYSTANDER_DELAY_MS / 2)
    q.add(cmd('admit', { kind: 'all' }, 'b'))
    expect(got).toEqual([])
    vi.advanceTimersByTime(BYSTANDER_DELAY_MS / 2)
    expect(got).toEqual(['a', 'b'])
    expect(q.size).toBe(0)
  })

  it('flush hands everything on at once (shutdown); a full queue does not wait', () => {
    const got: string[] = []
    const q = new BystanderQueue((c) => { got.push(c.id) }, 10_000)
    q.add(cmd('admit', { kind: 'all' }, 'a'))
    q.flush()
    expect(got).toEqual(['a'])
    vi.advanceTimersByTime(20_000)
    expect(got).toEqual(['a'])
    for (let i = 0; i < 1000; i++) q.add(cmd('admit', { kind: 'all' }, `x${i}`))
    expect(got.length).toBe(1001)
  })
})
