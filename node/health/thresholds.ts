/**
 * Whether a health sample crosses the resource thresholds that make a node `degraded`
 * (DESIGN.md, Lifecycle: cpu/mem/disk 90 % by default). Pure, so the reconcile loop's decision
 * is testable without a machine under load. A value equal to its threshold counts as breached.
 */
import type { Health } from '../../protocol/types.js'
import { DEFAULT_THRESHOLDS } from './constants.js'

export interface Thresholds {
  cpu: number
  memory: number
  disk: number
}

export type Resource = keyof Thresholds

/** The resources at or above their threshold, in a fixed order (empty when healthy). */
export function breachedResources (health: Pick<Health, 'cpuPercent' | 'memoryPercent' | 'diskPercent'>, thresholds: Partial<Thresholds> = {}): Resource[] {
  const t = { ...DEFAULT_THRESHOLDS, ...thresholds }
  const out: Resource[] = []
  if (health.cpuPercent >= t.cpu) out.push('cpu')
  if (health.memoryPercent >= t.memory) out.push('memory')
  if (health.diskPercent >= t.disk) out.push('disk')
  return out
}

export function thresholdBreached (health: Pick<Health, 'cpuPercent' | 'memoryPercent' | 'diskPercent'>, thresholds: Partial<Thresholds> = {}): boolean {
  return breachedResources(health, thresholds).length > 0
}
