/**
 * The node lifecycle: DESIGN.md's state machine as a pure module (no I/O, time passed in).
 */
export {
  TRANSITIONS,
  canTransition,
  validNext,
  transition,
  transitionBody,
  isNodeState
} from './transitions.js'
export type { TransitionContext } from './transitions.js'
export {
  MAINTENANCE_STATES,
  OPERATOR_HELD_STATES,
  isMaintenance,
  isTerminal,
  isOperatorHeld
} from './predicates.js'
export {
  MAX_INSTALL_ATTEMPTS,
  onInstallFailure,
  onInstallSuccess,
  canResetInstall
} from './install.js'
export type { InstallFailureDecision, InstallResetDecision } from './install.js'
export {
  DEFAULT_DRAIN_TIMEOUT_MS,
  healthDecision,
  drainDecision,
  recoveryDecision
} from './health.js'
export type { HealthObservation, DrainObservation, RecoveryObservation } from './health.js'
export { InvalidTransitionError, InstallResetRefusedError } from './errors.js'
