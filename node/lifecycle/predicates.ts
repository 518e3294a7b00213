import type { NodeState } from '../../protocol/types.js'

export const MAINTENANCE_STATES = [
  'maintenance_draining',
  'maintenance_planned',
  'maintenance_immediate',
  'maintenance_offline',
  'maintenance_recovering'
] as const satisfies readonly NodeState[]

/**
 * States an operator (or the install flow) put the node in. Automatic health decisions must never
 * move a node out of them: the predecessor's reconciler recomputed the status from cpu/mem/disk on
 * every heartbeat and flipped a drained node back to `online` within 30 s (PREDECESSOR.md 1.1).
 * `error` is held too: leaving it is `recover` or `reprovision`, never a lucky heartbeat.
 */
export const OPERATOR_HELD_STATES = [
  ...MAINTENANCE_STATES,
  'discovered',
  'pending',
  'installing',
  'install_failed',
  'deprovisioning',
  'retired',
  'error'
] as const satisfies readonly NodeState[]

const MAINTENANCE: ReadonlySet<NodeState> = new Set(MAINTENANCE_STATES)
const HELD: ReadonlySet<NodeState> = new Set(OPERATOR_HELD_STATES)

export function isMaintenance (s: NodeState): boolean {
  return MAINTENANCE.has(s)
}

/** `retired` is final: the record stays for audit and nothing leaves it. */
export function isTerminal (s: NodeState): boolean {
  return s === 'retired'
}

export function isOperatorHeld (s: NodeState): boolean {
  return HELD.has(s)
}
