/**
 * Colours of states, liveness, usage and recent changes (k9s `model1/color.go`: the colour says
 * the health of a row at a glance). Pure lookups; names are Ink/chalk colour names.
 */
import type { Liveness, NodeState } from '../../protocol/types.js'

const STATE_COLOURS: Record<NodeState, string> = {
  discovered: 'gray',
  pending: 'gray',
  installing: 'cyan',
  online: 'green',
  degraded: 'yellow',
  error: 'red',
  install_failed: 'red',
  maintenance_draining: 'blue',
  maintenance_planned: 'blue',
  maintenance_immediate: 'magenta',
  maintenance_offline: 'magenta',
  maintenance_recovering: 'blue',
  deprovisioning: 'gray',
  retired: 'gray'
}

export function stateColour (state: NodeState | string): string {
  return STATE_COLOURS[state as NodeState] ?? 'white'
}

export function livenessColour (liveness: Liveness | string): string {
  switch (liveness) {
    case 'alive': return 'green'
    case 'suspect': return 'yellow'
    case 'unreachable': return 'red'
    default: return 'white'
  }
}

/** Usage thresholds follow the daemon's degraded threshold (90% by default, DESIGN.md). */
export function usageColour (pct: number | null | undefined): string {
  if (pct == null) return 'gray'
  if (pct >= 90) return 'red'
  if (pct >= 70) return 'yellow'
  return 'green'
}

/** What just happened to a row; drives a brief row colour. */
export type ChangeKind = 'added' | 'state' | 'liveness' | 'command' | 'code'

export function changeColour (kind: ChangeKind | undefined): string | undefined {
  switch (kind) {
    case 'added': return 'blueBright'
    case 'state': return 'cyanBright'
    case 'liveness': return 'yellowBright'
    case 'command': return 'magentaBright'
    case 'code': return 'greenBright'
    default: return undefined
  }
}

export function resultColour (status: string): string {
  switch (status) {
    case 'applied': return 'green'
    case 'accepted': return 'cyan'
    case 'rejected': return 'yellow'
    case 'failed': return 'red'
    default: return 'white'
  }
}
