import { SlmError } from '../../protocol/errors.js'
import type { NodeState } from '../../protocol/types.js'

/** A requested state change is not in DESIGN.md's table. Carries the states that are allowed. */
export class InvalidTransitionError extends SlmError {
  readonly from: NodeState
  readonly to: NodeState
  readonly validNext: NodeState[]
  constructor (from: NodeState, to: NodeState, validNext: NodeState[]) {
    const allowed = validNext.length === 0 ? 'none (final state)' : validNext.join(', ')
    super('ERR_INVALID_TRANSITION', `cannot go from ${from} to ${to}; valid next states: ${allowed}`)
    this.name = 'InvalidTransitionError'
    this.from = from
    this.to = to
    this.validNext = validNext
  }
}

/** install_failed -> pending after the attempt limit needs the operator's explicit force (seed 003). */
export class InstallResetRefusedError extends SlmError {
  readonly attempts: number
  constructor (attempts: number) {
    super('ERR_INSTALL_RESET_NEEDS_FORCE',
      `install failed ${attempts} times (limit reached); reset with force to clear the counter and retry`)
    this.name = 'InstallResetRefusedError'
    this.attempts = attempts
  }
}
