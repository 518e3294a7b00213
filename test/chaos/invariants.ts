/**
 * The end-of-run checks every scenario shares: one replica digest everywhere, every acknowledged
 * command answered by its targets in every replica, every result that ever read `applied` still
 * there, and every origin's log without a seq gap and up to the origin's own latest seq.
 */
import type { Fleet, FleetNode } from '../helpers/index.js'
import { sleep } from '../helpers/index.js'
import type { Controls } from './control.js'
import type { Operator } from './operator.js'

/** Polls until every running node reports the same replicaDigest; ms taken, or null on timeout. */
export async function waitDigestsEqual (controls: Controls, timeoutMs: number, intervalMs = 500): Promise<number | null> {
  const t0 = Date.now()
  for (let i = 0; i < Math.ceil(timeoutMs / intervalMs) + 1 && Date.now() - t0 <= timeoutMs; i++) {
    const running = controls.running()
    const st = await controls.statuses(running)
    if (st.size === running.length && new Set([...st.values()].map((s) => s.replicaDigest)).size === 1) return Date.now() - t0
    await sleep(intervalMs)
  }
  return null
}

export async function digestSpread (controls: Controls): Promise<string> {
  const st = await controls.statuses()
  const by = new Map<string, string[]>()
  for (const [name, s] of st) by.set(String(s.replicaDigest).slice(0, 8), [...(by.get(String(s.replicaDigest).slice(0, 8)) ?? []), name])
  return [...by.entries()].map(([d, names]) => `${d}:${names.join(',')}`).join(' ')
}

/** Every `commandId/nodeId` pair whose result is `applied`, as `via` sees it now. */
export async function appliedPairs (controls: Controls, via: string): Promise<Set<string>> {
  const results: Array<{ commandId: string, node: string, status: string }> = await controls.call(via, 'results', {}, 30_000)
  return new Set(results.filter((r) => r.status === 'applied').map((r) => `${r.commandId}/${r.node}`))
}

export interface ReplicaCheck {
  /** Acknowledged commands with no result at all from a target, in some replica. */
  unanswered: string[]
  /** Acknowledged node actions whose target only ever said `accepted`. */
  unfinished: string[]
  /** `applied` results seen during the run that a replica no longer has. */
  vanished: string[]
  /** `origin: seq a..b missing` lines. */
  gaps: string[]
  /** Origins whose replicated max seq is below the origin's own. */
  behind: string[]
}

export function lostCount (c: ReplicaCheck): number {
  return c.unanswered.length + c.vanished.length + c.gaps.length + c.behind.length
}

/**
 * Checks every running replica. `appliedSeen` are results recorded during the run; `operator`'s
 * acknowledged commands must each have a terminal result from every target node.
 */
export async function checkReplicas (_fleet: Fleet, controls: Controls, operator: Operator | null, appliedSeen: Set<string>, only?: FleetNode[]): Promise<ReplicaCheck> {
  const out: ReplicaCheck = { unanswered: [], unfinished: [], vanished: [], gaps: [], behind: [] }
  const running = only ?? controls.running()
  const ownMax = new Map<string, number>()
  for (const n of controls.running()) {
    try { ownMax.set(n.nodeId, (await controls.call(n.name, 'node', { id: n.nodeId })).seq ?? 0) } catch {}
  }
  for (const node of running) {
    const results: Array<{ commandId: string, node: string, status: string }> = await controls.call(node.name, 'results', {}, 60_000)
    const byPair = new Map<string, Set<string>>()
    for (const r of results) {
      const k = `${r.commandId}/${r.node}`
      byPair.set(k, new Set([...(byPair.get(k) ?? []), r.status]))
    }
    for (const pair of appliedSeen) if (!(byPair.get(pair)?.has('applied') ?? false)) out.vanished.push(`${node.name}: ${pair}`)
    for (const s of operator?.acknowledged() ?? []) {
      for (const t of s.targets) {
        const got = byPair.get(`${s.id}/${t}`)
        if (got === undefined) out.unanswered.push(`${node.name}: ${s.action} ${s.id} -> ${t}`)
        else if (got.size === 1 && got.has('accepted')) out.unfinished.push(`${node.name}: ${s.action} ${s.id} -> ${t}`)
      }
    }
    const audit: Array<{ node: string, event: { seq: number } }> = await controls.call(node.name, 'audit', { limit: 10_000 }, 60_000)
    if (audit.length >= 10_000) continue // truncated: the digest comparison still covers this replica
    const seqs = new Map<string, number[]>()
    for (const a of audit) seqs.set(a.node, [...(seqs.get(a.node) ?? []), a.event.seq])
    for (const [origin, list] of seqs) {
      list.sort((a, b) => a - b)
      for (let i = 1; i < list.length; i++) {
        if (list[i] !== list[i - 1] + 1) out.gaps.push(`${node.name}: origin ${origin.slice(-6)} seq ${list[i - 1] + 1}..${list[i] - 1} missing`)
      }
      const own = ownMax.get(origin)
      if (own !== undefined && list[list.length - 1] < own) out.behind.push(`${node.name}: origin ${origin.slice(-6)} at ${list[list.length - 1]} < ${own}`)
    }
  }
  return out
}

/** Human lines for a check's findings, at most `max` per kind. */
export function describeCheck (c: ReplicaCheck, max = 5): string[] {
  const lines: string[] = []
  for (const [kind, list] of Object.entries(c) as Array<[string, string[]]>) {
    if (list.length === 0) continue
    lines.push(`${kind}: ${list.length} (${list.slice(0, max).join('; ')}${list.length > max ? '; …' : ''})`)
  }
  return lines
}
