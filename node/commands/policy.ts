/**
 * Who may do what (DESIGN "Identity and trust"): admin everything incl. trust and admission policy,
 * operator lifecycle and code commands, viewer nothing that changes the fleet.
 */
import type { Action, OperatorRole } from '../../protocol/types.js'

const ADMIN_ONLY: ReadonlySet<Action> = new Set<Action>(['trust_add', 'trust_remove', 'admission_policy'])

/** Actions applied by each targeted node to itself; the rest only write fleet data. */
export const NODE_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  'admit', 'reject', 'maintenance_enter', 'maintenance_exit', 'reprovision', 'recover', 'reset_install', 'retire'
])

/** Actions whose targets are irrelevant: fleet data written once for everyone. */
export function isFleetAction (action: Action): boolean {
  return !NODE_ACTIONS.has(action)
}

export function roleAllows (role: OperatorRole, action: Action): boolean {
  if (role === 'admin') return true
  if (role === 'operator') return !ADMIN_ONLY.has(action)
  return false
}

/** Actions an operator must confirm in interactive clients. */
export const DANGEROUS_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  'retire', 'reject', 'reprovision', 'trust_remove', 'role_delete', 'code_rollback'
])
