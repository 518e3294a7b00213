import { describe, expect, it } from 'vitest'
import {
  InvalidTransitionError, canTransition, isNodeState, transition, transitionBody, validNext
} from '../../../node/lifecycle/index.js'
import { NODE_STATES } from '../../../protocol/types.js'
import type { NodeState } from '../../../protocol/types.js'

// Written out by hand from DESIGN.md's "Lifecycle state machine" block, deliberately not derived
// from node/lifecycle's TRANSITIONS map, so a typo in either one fails this test.
const EXPECTED: Record<NodeState, NodeState[]> = {
  discovered: ['pending', 'retired'],
  pending: ['installing'],
  installing: ['online', 'install_failed'],
  install_failed: ['pending'],
  online: ['degraded', 'maintenance_draining', 'maintenance_planned', 'maintenance_immediate', 'pending', 'deprovisioning'],
  degraded: ['online', 'error', 'maintenance_draining', 'maintenance_immediate'],
  error: ['pending', 'online', 'deprovisioning'],
  maintenance_draining: ['maintenance_offline'],
  maintenance_planned: ['maintenance_offline'],
  maintenance_immediate: ['maintenance_offline'],
  maintenance_offline: ['maintenance_recovering'],
  maintenance_recovering: ['online', 'error'],
  deprovisioning: ['retired'],
  retired: []
}

const ALL_PAIRS = NODE_STATES.flatMap((from) => NODE_STATES.map((to) => ({
  from, to, allowed: EXPECTED[from].includes(to)
})))

describe('lifecycle state machine', () => {
  it('covers all 14 states in the expected table', () => {
    expect(NODE_STATES).toHaveLength(14)
    expect(Object.keys(EXPECTED).sort()).toEqual([...NODE_STATES].sort())
    expect(ALL_PAIRS).toHaveLength(196)
  })

  it.each(ALL_PAIRS)('$from -> $to is allowed: $allowed', ({ from, to, allowed }) => {
    expect(canTransition(from, to)).toBe(allowed)
    if (allowed) {
      // install_failed -> pending needs force once the attempt limit is reached; allow it here.
      expect(transition(from, to, { trigger: 'operator', force: true })).toBe(to)
    } else {
      expect(() => transition(from, to, { trigger: 'operator', force: true })).toThrow(InvalidTransitionError)
    }
  })

  it.each(NODE_STATES)('validNext(%s) lists exactly the table row', (from) => {
    expect([...validNext(from)].sort()).toEqual([...EXPECTED[from]].sort())
  })

  it('rejects an invalid request with the list of valid next states', () => {
    let caught: unknown
    try {
      transition('maintenance_planned', 'online', { trigger: 'system' })
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(InvalidTransitionError)
    const err = caught as InvalidTransitionError
    expect(err.code).toBe('ERR_INVALID_TRANSITION')
    expect(err.validNext).toEqual(['maintenance_offline'])
    expect(err.message).toContain('maintenance_offline')
  })

  it('says retired is final when asked to leave it', () => {
    expect(() => transition('retired', 'pending', { trigger: 'operator' })).toThrow(/final/)
  })

  it('returns a copy from validNext so callers cannot edit the table', () => {
    validNext('pending').push('retired')
    expect(canTransition('pending', 'retired')).toBe(false)
  })

  it('builds the transition event body with operator, comment and metadata', () => {
    const body = transitionBody('online', 'maintenance_planned', {
      trigger: 'operator',
      operator: { name: 'alice', key: 'ed25519:abc' },
      comment: 'kernel update',
      commandId: '01J0000000000000000000000',
      metadata: { reason: 'patch' }
    })
    expect(body).toEqual({
      from: 'online',
      to: 'maintenance_planned',
      trigger: 'operator',
      operator: { name: 'alice', key: 'ed25519:abc' },
      comment: 'kernel update',
      commandId: '01J0000000000000000000000',
      metadata: { reason: 'patch' }
    })
  })

  it('narrows untrusted strings to states', () => {
    expect(isNodeState('online')).toBe(true)
    expect(isNodeState('maintenance')).toBe(false)
    expect(isNodeState(3)).toBe(false)
  })
})
