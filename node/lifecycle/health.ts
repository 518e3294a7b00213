/**
 * Automatic transitions the node's reconcile loop may take on its own (DESIGN.md, "Lifecycle").
 * Each returns the next state or null (stay); the caller records the transition with trigger
 * `system`. Time is passed in so the loop can be tested without clocks.
 */
import { isOperatorHeld } from './predicates.js'
import type { NodeState } from '../../protocol/types.js'

/** Drain timeout before maintenance_draining goes offline (seed 000 `drain_timeout_sec`). */
export const DEFAULT_DRAIN_TIMEOUT_MS = 300_000

export interface HealthObservation {
  /** cpu/mem/disk above the configured threshold (90% by default). */
  thresholdBreached: boolean
  /** At least one of the node's role health checks is failing. */
  checksFailing: boolean
  /** Remediation ran out of attempts for this window and the node is still unhealthy. */
  remediationExhausted: boolean
}

/**
 * online -> degraded when unhealthy; degraded -> online when recovered; degraded -> error when
 * remediation is exhausted. Never anything for operator-held states (maintenance above all):
 * the predecessor's bug was recomputing status from health on every heartbeat.
 */
export function healthDecision (state: NodeState, obs: HealthObservation): NodeState | null {
  if (isOperatorHeld(state)) return null
  const unhealthy = obs.thresholdBreached || obs.checksFailing
  if (state === 'online') return unhealthy ? 'degraded' : null
  if (state === 'degraded') {
    if (!unhealthy) return 'online'
    return obs.remediationExhausted ? 'error' : null
  }
  return null
}

export interface DrainObservation {
  /** ms since epoch when the node entered maintenance_draining */
  enteredAt: number
  now: number
  /** @default DEFAULT_DRAIN_TIMEOUT_MS */
  drainTimeoutMs?: number
}

/** maintenance_draining -> maintenance_offline once the drain timeout has passed. */
export function drainDecision (state: NodeState, obs: DrainObservation): NodeState | null {
  if (state !== 'maintenance_draining') return null
  const timeout = obs.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS
  return obs.now - obs.enteredAt >= timeout ? 'maintenance_offline' : null
}

export interface RecoveryObservation {
  /** All of the node's role health checks pass and no threshold is breached. */
  healthy: boolean
  /** ms since epoch when the node entered maintenance_recovering */
  enteredAt: number
  now: number
  /** How long recovery may take before the node is declared `error`. */
  timeoutMs: number
}

/**
 * maintenance_recovering -> online once healthy, -> error when the recovery deadline passes.
 * Only reached after an operator's `maintenance exit`, so this is the operator's flow finishing,
 * not health overriding maintenance.
 */
export function recoveryDecision (state: NodeState, obs: RecoveryObservation): NodeState | null {
  if (state !== 'maintenance_recovering') return null
  if (obs.healthy) return 'online'
  return obs.now - obs.enteredAt >= obs.timeoutMs ? 'error' : null
}
