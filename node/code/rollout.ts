/**
 * Rollout gating and status, pure (DESIGN "Deploy"; reason codes as Flux and Argo CD report them).
 * The desired commit is fleet data; each node decides for itself when its turn has come:
 * all-at-once at once; rolling after every alive node of earlier batches (by node id order) runs
 * the commit; maintenance-window only while the node is in maintenance. A failed or rolled-back
 * node halts a rolling deploy for everyone behind it. Offline nodes do not block the others and
 * converge when they return.
 */
import { compareHlc } from '../../protocol/hlc.js'
import type { CodeReportStatus, DesiredCode } from '../../protocol/types.js'

export interface RolloutMember {
  id: string
  alive: boolean
  /** What the node reads from its own `current` release. */
  running: string | null
  /** The node's latest code report for this role. */
  report: { sha: string, status: CodeReportStatus, reason?: string } | null
}

export type RolloutReason = 'in_sync' | 'paused' | 'halted' | 'failed' | 'rolled_back' | 'fetching' | 'waiting' | 'window' | 'pending' | 'offline' | 'no_desired'

export interface RolloutDecision { go: boolean, reason: RolloutReason }

/**
 * What a member runs, from its own readings of `current`: the version in its latest heartbeat or
 * the `running` of its latest report for the role, whichever it made later. A deploy reports at
 * once and the next heartbeat carries the new version up to an interval later; neither is what a
 * sender assumed (the predecessor's version drift).
 */
export function runningOf (beat: { version?: string, hlc: string } | null, report: { running?: string, hlc: string } | null): string | null {
  if (report?.running != null && (beat?.version == null || compareHlc(report.hlc, beat.hlc) > 0)) return report.running
  return beat?.version ?? report?.running ?? null
}

export function isHalted (desired: DesiredCode, members: RolloutMember[]): boolean {
  if (desired.strategy !== 'rolling') return false
  return members.some(m => m.report?.sha === desired.sha && (m.report.status === 'failed' || m.report.status === 'rolled_back'))
}

export function memberReason (desired: DesiredCode | null, m: RolloutMember, halted: boolean): RolloutReason {
  if (desired == null) return 'no_desired'
  if (m.running === desired.sha) return 'in_sync'
  if (m.report?.sha === desired.sha) {
    if (m.report.status === 'failed') return 'failed'
    if (m.report.status === 'rolled_back') return 'rolled_back'
    if (m.report.status === 'fetching') return m.alive ? 'fetching' : 'offline'
  }
  if (!m.alive) return 'offline'
  if (desired.paused) return 'paused'
  if (halted) return 'halted'
  return 'pending'
}

/**
 * What decideDeploy answers from this node's own release and report alone, or null when the
 * rest of the fleet decides: the daemon asks this first, every tick, before building the fleet.
 */
export function ownDecision (desired: DesiredCode, running: string | null, report: RolloutMember['report']): RolloutDecision | null {
  if (running === desired.sha) return { go: false, reason: 'in_sync' }
  if (report?.sha === desired.sha && (report.status === 'failed' || report.status === 'rolled_back')) return { go: false, reason: report.status }
  return null
}

export function decideDeploy (desired: DesiredCode, members: RolloutMember[], self: string, selfInMaintenance: boolean): RolloutDecision {
  const ordered = [...members].sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  const me = ordered.find(m => m.id === self)
  if (me == null) return { go: false, reason: 'pending' }
  const own = ownDecision(desired, me.running, me.report)
  if (own != null) return own
  if (desired.paused) return { go: false, reason: 'paused' }
  if (isHalted(desired, ordered)) return { go: false, reason: 'halted' }
  switch (desired.strategy) {
    case 'all-at-once':
      return { go: true, reason: 'pending' }
    case 'maintenance-window':
      return selfInMaintenance ? { go: true, reason: 'pending' } : { go: false, reason: 'window' }
    case 'rolling': {
      const batch = Math.max(1, desired.batch)
      const myBatch = Math.floor(ordered.indexOf(me) / batch)
      const ahead = ordered.filter((m, i) => Math.floor(i / batch) < myBatch && m.alive)
      const done = ahead.every(m => m.running === desired.sha || (m.report?.sha === desired.sha && m.report.status === 'applied'))
      return done ? { go: true, reason: 'pending' } : { go: false, reason: 'waiting' }
    }
  }
}
