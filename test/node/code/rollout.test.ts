import { describe, expect, it } from 'vitest'
import { decideDeploy, isHalted, memberReason, runningOf, type RolloutMember } from '../../../node/code/rollout.js'
import { hlcFromMs } from '../../../protocol/hlc.js'
import type { DesiredCode } from '../../../protocol/types.js'

const SHA = 'a'.repeat(40)
const OLD = 'b'.repeat(40)
const desired = (extra: Partial<DesiredCode> = {}): DesiredCode => ({ role: 'web', sha: SHA, strategy: 'rolling', batch: 1, paused: false, ...extra })
const mem = (id: string, running: string | null = OLD, report: RolloutMember['report'] = null, alive = true): RolloutMember => ({ id, alive, running, report })

describe('rollout gating', () => {
  it('all-at-once lets every node go', () => {
    const ms = [mem('n1'), mem('n2'), mem('n3')]
    for (const m of ms) expect(decideDeploy(desired({ strategy: 'all-at-once' }), ms, m.id, false).go).toBe(true)
  })

  it('rolling goes one node at a time in id order', () => {
    const ms = [mem('n1'), mem('n2'), mem('n3')]
    expect(decideDeploy(desired(), ms, 'n1', false)).toEqual({ go: true, reason: 'pending' })
    expect(decideDeploy(desired(), ms, 'n2', false)).toEqual({ go: false, reason: 'waiting' })
    const after = [mem('n1', SHA), mem('n2'), mem('n3')]
    expect(decideDeploy(desired(), after, 'n2', false).go).toBe(true)
    expect(decideDeploy(desired(), after, 'n3', false).go).toBe(false)
  })

  it('rolling with a batch of 2 lets the first two go together', () => {
    const ms = [mem('n1'), mem('n2'), mem('n3'), mem('n4')]
    expect(decideDeploy(desired({ batch: 2 }), ms, 'n2', false).go).toBe(true)
    expect(decideDeploy(desired({ batch: 2 }), ms, 'n3', false).go).toBe(false)
  })

  it('a rolled-back node halts everyone behind it', () => {
    const ms = [mem('n1', SHA), mem('n2', OLD, { sha: SHA, status: 'rolled_back' }), mem('n3'), mem('n4')]
    expect(isHalted(desired(), ms)).toBe(true)
    expect(decideDeploy(desired(), ms, 'n3', false)).toEqual({ go: false, reason: 'halted' })
    expect(memberReason(desired(), ms[2], true)).toBe('halted')
    expect(memberReason(desired(), ms[1], true)).toBe('rolled_back')
  })

  it('an offline node does not block the rollout and converges later', () => {
    const ms = [mem('n1', OLD, null, false), mem('n2')]
    expect(decideDeploy(desired(), ms, 'n2', false).go).toBe(true)
    expect(memberReason(desired(), ms[0], false)).toBe('offline')
  })

  it('paused and maintenance-window gates', () => {
    const ms = [mem('n1')]
    expect(decideDeploy(desired({ paused: true }), ms, 'n1', false)).toEqual({ go: false, reason: 'paused' })
    expect(decideDeploy(desired({ strategy: 'maintenance-window' }), ms, 'n1', false)).toEqual({ go: false, reason: 'window' })
    expect(decideDeploy(desired({ strategy: 'maintenance-window' }), ms, 'n1', true).go).toBe(true)
  })

  it('a node already running the commit is in sync', () => {
    expect(decideDeploy(desired(), [mem('n1', SHA)], 'n1', false)).toEqual({ go: false, reason: 'in_sync' })
  })
})

describe('what a member runs: its later reading, heartbeat or report', () => {
  const at = (ms: number): string => hlcFromMs(1_700_000_000_000 + ms)
  it('a report made after the last heartbeat wins: it applied SHA though the beat still names OLD', () => {
    expect(runningOf({ version: OLD, hlc: at(0) }, { running: SHA, hlc: at(10) })).toBe(SHA)
  })
  it('a heartbeat made after the report wins: the release changed since (rolled back by hand)', () => {
    expect(runningOf({ version: OLD, hlc: at(20) }, { running: SHA, hlc: at(10) })).toBe(OLD)
  })
  it('either alone, or neither', () => {
    expect(runningOf({ version: OLD, hlc: at(0) }, null)).toBe(OLD)
    expect(runningOf(null, { running: SHA, hlc: at(0) })).toBe(SHA)
    expect(runningOf({ hlc: at(20) }, { running: SHA, hlc: at(0) })).toBe(SHA)
    expect(runningOf({ version: OLD, hlc: at(0) }, { hlc: at(10) })).toBe(OLD)
    expect(runningOf(null, null)).toBeNull()
  })
})
