/**
 * One line about a submitted command, from the `command_result` events that came back for it:
 * "retire → applied 3/5, rejected 1 (n4: invalid transition), waiting 1".
 */
import type { CommandResultView } from '../../protocol/control.js'
import { resultColour } from './colour.js'

export interface SubmittedCommand {
  readonly id: string
  readonly action: string
  /** How many nodes it targets, when known (node targets). */
  readonly expected: number | null
  readonly at: number
}

export interface ResultSummary {
  readonly text: string
  readonly colour: string
}

/** Status order: a later stage replaces an earlier one for the same node. */
const RANK: Record<string, number> = { accepted: 0, rejected: 1, applied: 1, failed: 1 }

export function summariseResults (cmd: SubmittedCommand, results: readonly CommandResultView[]): ResultSummary {
  const latest = new Map<string, CommandResultView>()
  for (const r of results) {
    if (r.commandId !== cmd.id) continue
    const prev = latest.get(r.node)
    if (prev == null || (RANK[r.status] ?? 0) >= (RANK[prev.status] ?? 0)) latest.set(r.node, r)
  }
  const counts = new Map<string, number>()
  for (const r of latest.values()) counts.set(r.status, (counts.get(r.status) ?? 0) + 1)
  const parts: string[] = []
  for (const status of ['applied', 'accepted', 'rejected', 'failed']) {
    const n = counts.get(status)
    if (n == null) continue
    const of = cmd.expected != null && status === 'applied' ? `/${cmd.expected}` : ''
    const why = [...latest.values()].find((r) => r.status === status && r.reason != null)
    parts.push(`${status} ${n}${of}${why != null ? ` (${why.nodeName}: ${why.reason ?? ''})` : ''}`)
  }
  const waiting = cmd.expected != null ? cmd.expected - latest.size : 0
  if (waiting > 0) parts.push(`waiting ${waiting}`)
  if (parts.length === 0) parts.push('sent, waiting for results')
  const colour = counts.has('failed') ? resultColour('failed') : counts.has('rejected') ? resultColour('rejected') : counts.has('applied') ? resultColour('applied') : 'cyan'
  return { text: `${cmd.action} ${cmd.id.slice(-6)} → ${parts.join(', ')}`, colour }
}
