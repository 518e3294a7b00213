/**
 * Install-attempt rules from seed 003 (`StateTransitionService.handle_install_failure`): each
 * failure increments the counter; the 3rd failure moves the node to `install_failed`; an operator
 * reset back to `pending` needs `force` once the limit is reached, and force resets the counter.
 */
import type { NodeState } from '../../protocol/types.js'

export const MAX_INSTALL_ATTEMPTS = 3

export interface InstallFailureDecision {
  /** `installing` = retry (stay, no transition recorded); `install_failed` = give up. */
  next: 'installing' | 'install_failed'
  /** The failed-attempt count including this failure; store it. */
  attempts: number
}

/**
 * @param attempts - failed attempts recorded before this failure (0 on the first failure)
 */
export function onInstallFailure (attempts: number): InstallFailureDecision {
  const now = Math.max(0, Math.floor(attempts)) + 1
  return { next: now >= MAX_INSTALL_ATTEMPTS ? 'install_failed' : 'installing', attempts: now }
}

/** A completed install goes online and clears the counter (seed 003 resets on success). */
export function onInstallSuccess (): { next: 'online', attempts: number } {
  return { next: 'online', attempts: 0 }
}

export interface InstallResetDecision {
  allowed: boolean
  /** The counter to store after the reset (0 when forced). */
  attempts: number
  reason?: string
}

/** Whether `install_failed -> pending` may happen now, and the counter that goes with it. */
export function canResetInstall (state: NodeState, attempts: number, force: boolean): InstallResetDecision {
  if (state !== 'install_failed') {
    return { allowed: false, attempts, reason: `reset-install applies to install_failed, not ${state}` }
  }
  if (force) return { allowed: true, attempts: 0 }
  if (attempts >= MAX_INSTALL_ATTEMPTS) {
    return {
      allowed: false,
      attempts,
      reason: `max install attempts (${MAX_INSTALL_ATTEMPTS}) reached; use force to reset and retry`
    }
  }
  return { allowed: true, attempts }
}
