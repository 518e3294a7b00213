import { describe, expect, it } from 'vitest'
import {
  DEFAULT_DRAIN_TIMEOUT_MS, InstallResetRefusedError, MAX_INSTALL_ATTEMPTS, OPERATOR_HELD_STATES,
  canResetInstall, drainDecision, healthDecision, isMaintenance, isOperatorHeld, isTerminal,
  onInstallFailure, onInstallSuccess, recoveryDecision, transition
} from '../../../node/lifecycle/index.js'
import { NODE_STATES } from '../../../protocol/types.js'
import type { HealthObservation } from '../../../node/lifecycle/index.js'

const HEALTHY: HealthObservation = { thresholdBreached: false, checksFailing: false, remediationExhausted: false }
const BREACHED: HealthObservation = { thresholdBreached: true, checksFailing: false, remediationExhausted: false }
const FAILING: HealthObservation = { thresholdBreached: false, checksFailing: true, remediationExhausted: false }
const EXHAUSTED: HealthObservation = { thresholdBreached: true, checksFailing: true, remediationExhausted: true }
const OBSERVATIONS = [HEALTHY, BREACHED, FAILING, EXHAUSTED]

describe('state predicates', () => {
  it('knows the five maintenance states', () => {
    expect(NODE_STATES.filter(isMaintenance)).toEqual([
      'maintenance_draining', 'maintenance_planned', 'maintenance_immediate', 'maintenance_offline', 'maintenance_recovering'
    ])
  })

  it('treats only retired as terminal', () => {
    expect(NODE_STATES.filter(isTerminal)).toEqual(['retired'])
  })

  it('holds every state except online and degraded against health', () => {
    expect(NODE_STATES.filter((s) => !isOperatorHeld(s)).sort()).toEqual(['degraded', 'online'])
    expect(OPERATOR_HELD_STATES).toHaveLength(12)
  })
})

describe('install attempts', () => {
  it('retries the first two failures and gives up on the third', () => {
    expect(MAX_INSTALL_ATTEMPTS).toBe(3)
    expect(onInstallFailure(0)).toEqual({ next: 'installing', attempts: 1 })
    expect(onInstallFailure(1)).toEqual({ next: 'installing', attempts: 2 })
    expect(onInstallFailure(2)).toEqual({ next: 'install_failed', attempts: 3 })
    expect(onInstallFailure(7)).toEqual({ next: 'install_failed', attempts: 8 })
  })

  it('clears the counter on success', () => {
    expect(onInstallSuccess()).toEqual({ next: 'online', attempts: 0 })
  })

  it('needs force to reset once the limit is reached, and force resets the counter', () => {
    expect(canResetInstall('install_failed', 3, false)).toMatchObject({ allowed: false, attempts: 3 })
    expect(canResetInstall('install_failed', 3, true)).toEqual({ allowed: true, attempts: 0 })
    expect(canResetInstall('install_failed', 1, false)).toEqual({ allowed: true, attempts: 1 })
    expect(canResetInstall('online', 0, true)).toMatchObject({ allowed: false })
  })

  it('enforces the force rule in transition()', () => {
    expect(() => transition('install_failed', 'pending', { trigger: 'operator', installAttempts: 3 }))
      .toThrow(InstallResetRefusedError)
    try {
      transition('install_failed', 'pending', { trigger: 'operator', installAttempts: 3 })
    } catch (err) {
      expect((err as InstallResetRefusedError).code).toBe('ERR_INSTALL_RESET_NEEDS_FORCE')
    }
    expect(transition('install_failed', 'pending', { trigger: 'operator', installAttempts: 3, force: true })).toBe('pending')
  })
})

describe('healthDecision', () => {
  it('degrades an online node when a threshold is breached or a check fails', () => {
    expect(healthDecision('online', BREACHED)).toBe('degraded')
    expect(healthDecision('online', FAILING)).toBe('degraded')
    expect(healthDecision('online', HEALTHY)).toBeNull()
  })

  it('brings a degraded node back online once it recovers', () => {
    expect(healthDecision('degraded', HEALTHY)).toBe('online')
    expect(healthDecision('degraded', { ...HEALTHY, remediationExhausted: true })).toBe('online')
  })

  it('moves a degraded node to error only when remediation is exhausted', () => {
    expect(healthDecision('degraded', FAILING)).toBeNull()
    expect(healthDecision('degraded', EXHAUSTED)).toBe('error')
  })

  it('never changes an operator-held state, whatever the health', () => {
    for (const state of OPERATOR_HELD_STATES) {
      for (const obs of OBSERVATIONS) expect(healthDecision(state, obs)).toBeNull()
    }
  })

  // Regression: the predecessor's reconciler (services/reconciler.py::update_node_heartbeat)
  // recomputed status from cpu/mem/disk on every heartbeat and reset maintenance to online.
  it('keeps maintenance through any number of heartbeats (predecessor reconciler bug)', () => {
    for (const start of ['maintenance_planned', 'maintenance_draining', 'maintenance_offline'] as const) {
      let state: typeof NODE_STATES[number] = start
      for (let beat = 0; beat < 50; beat++) {
        const next = healthDecision(state, OBSERVATIONS[beat % OBSERVATIONS.length])
        if (next != null) state = next
      }
      expect(state).toBe(start)
    }
  })

  it('only ever proposes transitions the state machine allows', () => {
    for (const state of NODE_STATES) {
      for (const obs of OBSERVATIONS) {
        const next = healthDecision(state, obs)
        if (next != null) expect(() => transition(state, next, { trigger: 'system' })).not.toThrow()
      }
    }
  })
})

describe('drain and recovery timers', () => {
  it('takes a draining node offline after the drain timeout (300 s by default)', () => {
    expect(DEFAULT_DRAIN_TIMEOUT_MS).toBe(300_000)
    expect(drainDecision('maintenance_draining', { enteredAt: 0, now: 299_999 })).toBeNull()
    expect(drainDecision('maintenance_draining', { enteredAt: 0, now: 300_000 })).toBe('maintenance_offline')
    expect(drainDecision('maintenance_draining', { enteredAt: 0, now: 10, drainTimeoutMs: 10 })).toBe('maintenance_offline')
    expect(drainDecision('online', { enteredAt: 0, now: 1e9 })).toBeNull()
  })

  it('finishes recovery online when healthy, in error after the deadline', () => {
    const base = { enteredAt: 0, timeoutMs: 1000 }
    expect(recoveryDecision('maintenance_recovering', { ...base, healthy: true, now: 5 })).toBe('online')
    expect(recoveryDecision('maintenance_recovering', { ...base, healthy: false, now: 999 })).toBeNull()
    expect(recoveryDecision('maintenance_recovering', { ...base, healthy: false, now: 1000 })).toBe('error')
    expect(recoveryDecision('maintenance_offline', { ...base, healthy: true, now: 5 })).toBeNull()
  })
})
