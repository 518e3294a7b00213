/**
 * Scenario 3, flood: one node authors events at ten times the fleet's normal rate (one heartbeat
 * per second per node is the normal rate; the flood is commands targeted at that node, each one a
 * stored command, a register write and a result event it authors and gossips). The others must
 * keep each other's heartbeats flowing (no false `unreachable`), memory must stay bounded, and
 * whatever was refused is counted.
 */
import { ControlClient } from '../../node/control/index.js'
import type { ReplicaChange } from '../../protocol/control.js'
import { rssKiB, sleep } from '../helpers/index.js'
import { startChaosFleet, stopChaosFleet, waitMembership, admitEveryone, type ChaosFleet } from './fleet-setup.js'
import { appliedPairs, checkReplicas, describeCheck, digestSpread, lostCount, waitDigestsEqual } from './invariants.js'
import { toNodes } from './operator.js'
import { addCounts, formatCounts, newResult, rejectionDelta, type ChaosOptions, type ScenarioResult } from './types.js'

const HEARTBEAT_MS = 1000

export async function flood (opts: ChaosOptions, o: { n?: number, durationMs?: number, factor?: number } = {}): Promise<ScenarioResult> {
  const n = o.n ?? (opts.quick ? 3 : 5)
  const durationMs = o.durationMs ?? (opts.quick ? 10_000 : 60_000)
  const factor = o.factor ?? 10
  const perSec = factor * 1000 / HEARTBEAT_MS
  const res = newResult('flood')
  res.load = `${n} nodes, n1 authoring ${perSec} events/s (${factor}x) for ${durationMs / 1000} s`
  const t0 = Date.now()
  let cf: ChaosFleet | undefined
  const subs: ControlClient[] = []
  try {
    cf = await startChaosFleet({ n, heartbeatIntervalMs: HEARTBEAT_MS })
    const { fleet, controls, operator } = cf
    if (await waitMembership(cf, 120_000) === null) res.failures.push('membership did not converge before the flood')
    if (!(await admitEveryone(cf))) res.failures.push('not every node came online after admit')
    const flooder = fleet.nodes[0]
    const others = fleet.nodes.slice(1)

    // Liveness as every other node sees it, streamed in-process.
    const falseAlarms: string[] = []
    let suspects = 0
    for (const node of others) {
      const c = await ControlClient.connect(`${node.dir}/control.sock`)
      subs.push(c)
      await c.subscribe((ch: ReplicaChange) => {
        if (ch.kind !== 'liveness') return
        const who = fleet.nodes.find((x) => x.nodeId === ch.origin)?.name ?? ch.origin
        if (ch.liveness === 'unreachable') falseAlarms.push(`${node.name} marked ${who} unreachable`)
        if (ch.liveness === 'suspect') suspects++
      }, { skipKinds: ['heartbeat'] })
    }
    const before = await controls.statuses()
    const rssBefore = new Map(fleet.nodes.map((x) => [x.name, rssKiB(x.pid) ?? 0]))
    const rssPeak = new Map(rssBefore)
    const sampler = setInterval(() => {
      for (const x of fleet.nodes) rssPeak.set(x.name, Math.max(rssPeak.get(x.name) ?? 0, rssKiB(x.pid) ?? 0))
    }, 1000)

    const deadline = Date.now() + durationMs
    const gap = 1000 / perSec
    const inflight = new Set<Promise<unknown>>()
    let sent = 0
    for (let i = 0; i < perSec * durationMs / 1000 * 2 && Date.now() < deadline; i++) {
      const due = t0Flood(deadline, durationMs) + i * gap
      if (due > Date.now()) await sleep(due - Date.now())
      const p = operator.send(flooder.name, i % 2 === 0 ? 'tag_add' : 'tag_remove', toNodes(flooder.nodeId), { tag: `flood${i % 20}` })
      inflight.add(p)
      void p.finally(() => inflight.delete(p))
      sent++
      // Bounded pipelining: a daemon that slows down slows the flood rather than our memory.
      if (inflight.size >= 200) await Promise.race(inflight)
    }
    await Promise.all(inflight)
    const floodEnd = Date.now()
    clearInterval(sampler)
    opts.log(`flood: ${sent} commands sent, ${operator.acknowledged().length} acknowledged`)
    res.convergeMs = await waitDigestsEqual(controls, 120_000)
    if (res.convergeMs === null) res.failures.push(`digests differ 120 s after the flood: ${await digestSpread(controls)}`)
    const applied = await appliedPairs(controls, flooder.name)
    const check = await checkReplicas(fleet, controls, operator, applied)
    res.lost = lostCount(check)
    res.failures.push(...describeCheck(check))
    if (falseAlarms.length > 0) res.failures.push(`false unreachable during the flood: ${falseAlarms.slice(0, 5).join('; ')}`)

    const after = await controls.statuses()
    const rejected: Record<string, number> = {}
    for (const [name, s] of after) addCounts(rejected, rejectionDelta(before.get(name)?.rejections, s.rejections))
    const achieved = operator.acknowledged().length / ((floodEnd - (deadline - durationMs)) / 1000)
    res.notes.push(`achieved ${achieved.toFixed(1)} acknowledged commands/s; ${suspects} suspect flaps, ${falseAlarms.length} false unreachable`)
    res.notes.push(`rejections during the flood: ${formatCounts(rejected)}`)
    const growth = fleet.nodes.map((x) => `${x.name} ${Math.round((rssBefore.get(x.name) ?? 0) / 1024)}->${Math.round((rssPeak.get(x.name) ?? 0) / 1024)}`)
    res.notes.push(`RSS MiB before->peak: ${growth.join(', ')}`)
    for (const x of fleet.nodes) {
      const b = rssBefore.get(x.name) ?? 0
      const p = rssPeak.get(x.name) ?? 0
      // Bounded: growth under 200 MiB and under 3x, whichever allows more (V8 grows its heap lazily).
      if (p > Math.max(b * 3, b + 200 * 1024)) res.failures.push(`${x.name} RSS grew from ${b} KiB to ${p} KiB`)
    }
    res.faults = `${sent} commands in ${durationMs / 1000} s at one node`
    for (const c of fleet.crashes) res.failures.push(`${c.name} exited unasked (code ${c.code}, signal ${c.signal})`)
  } catch (err) {
    res.failures.push(`scenario aborted: ${String((err as Error)?.stack ?? err).slice(0, 600)}`)
  } finally {
    for (const c of subs) c.close()
    await stopChaosFleet(cf)
    res.elapsedMs = Date.now() - t0
  }
  return res
}

/** The flood's start time, from its deadline: keeps the pacing loop free of extra state. */
function t0Flood (deadline: number, durationMs: number): number {
  return deadline - durationMs
}
