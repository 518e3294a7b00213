/**
 * What a node-scoped command asks of the node's own lifecycle: the path of states to walk from
 * where the node is. Pure; the caller records each step as a transition and re-checks each step
 * against the state machine, so an impossible request is rejected with the valid next states.
 */
import type { Action, NodeState } from '../../protocol/types.js'
import { InvalidTransitionError, validNext } from '../lifecycle/index.js'

export function pathFor (action: Action, state: NodeState, params: Record<string, unknown>): NodeState[] {
  switch (action) {
    case 'admit': return ['pending']
    case 'reject': return ['retired']
    case 'maintenance_enter': return [`maintenance_${String(params.type)}` as NodeState]
    case 'maintenance_exit':
      if (state === 'maintenance_offline') return ['maintenance_recovering']
      if (state === 'maintenance_draining' || state === 'maintenance_planned' || state === 'maintenance_immediate') return ['maintenance_offline', 'maintenance_recovering']
      return ['maintenance_recovering']
    case 'reprovision': return ['pending']
    case 'recover': return ['online']
    case 'reset_install': return ['pending']
    case 'retire':
      return state === 'discovered' ? ['retired'] : ['deprovisioning', 'retired']
    default:
      throw new InvalidTransitionError(state, state, validNext(state))
  }
}
