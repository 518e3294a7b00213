/**
 * What a running daemon can take from a changed config (SIGHUP) and what needs a restart. The
 * reloadable keys are the ones read afresh on every tick or beat; the others shape the libp2p host,
 * the store or the control socket, which are built once at start.
 */
import { isDeepStrictEqual } from 'node:util'
import type { DaemonConfig } from './types.js'

export const RELOADABLE = ['thresholds', 'remediation', 'drainTimeoutMs', 'tags', 'log', 'heartbeatIntervalMs', 'reconcileIntervalMs', 'gossipRepairAfterMs'] as const satisfies ReadonlyArray<keyof DaemonConfig>

export interface ReloadPlan {
  /** Changed keys the daemon takes now. */
  apply: Array<keyof DaemonConfig>
  /** Changed keys that only take effect after a restart. */
  restart: Array<keyof DaemonConfig>
}

export function planReload (current: DaemonConfig, next: DaemonConfig): ReloadPlan {
  const plan: ReloadPlan = { apply: [], restart: [] }
  for (const key of Object.keys(next) as Array<keyof DaemonConfig>) {
    if (isDeepStrictEqual(current[key], next[key])) continue
    if ((RELOADABLE as readonly string[]).includes(key)) plan.apply.push(key)
    else plan.restart.push(key)
  }
  return plan
}
