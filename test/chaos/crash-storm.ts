/**
 * Scenario 1, crash storm: a random daemon is killed -9 every few seconds and restarted while
 * signed commands (fleet data and lifecycle transitions) keep flowing through the live nodes. At
 * the end every replica must be the same, and nothing any node acknowledged may be missing; then
 * the whole fleet is killed -9 at once and every store must open again with the same digest.
 */
import { sleep } from '../helpers/index.js'
import { admitEveryone, startChaosFleet, stopChaosFleet, waitMembership, type ChaosFleet } from './fleet-setup.js'
import { appliedPairs, checkReplicas, describeCheck, digestSpread, lostCount, waitDigestsEqual } from './invariants.js'
import { toNodes } from './operator.js'
import { newResult, pickOne, type ChaosOptions, type ScenarioResult } from './types.js'

export interface CrashStormOptions {
  n: number
  durationMs: number
  killEveryMs: number
  /** Commands submitted per second across the fleet. */
  commandsPerSec: number
}

export async function crashStorm (opts: ChaosOptions, o?: Partial<CrashStormOptions>): Promise<ScenarioResult> {
  const cfg: CrashStormOptions = { ...(opts.quick ? { n: 5, durationMs: 30_000, killEveryMs: 5000, commandsPerSec: 4 } : { n: 20, durationMs: 300_000, killEveryMs: 5000, commandsPerSec: 4 }), ...o }
  const res = newResult('crash storm')
  const t0 = Date.now()
  // 1 s heartbeats on 20 daemons kept two cores saturated before any fault (20 messages a second,
  // each arriving from several peers): set-up timed out. The full size beats every 2 s.
  const hb = cfg.n >= 20 ? 2000 : 1000
  res.load = `${cfg.n} nodes, heartbeat ${hb / 1000} s, ${cfg.commandsPerSec} cmd/s for ${cfg.durationMs / 1000} s`
  let cf: ChaosFleet | undefined
  let kills = 0
  try {
    cf = await startChaosFleet({ n: cfg.n, heartbeatIntervalMs: hb })
    const { fleet, controls, operator } = cf
    opts.log(`crash storm: ${cfg.n} daemons up`)
    if (await waitMembership(cf, 120_000) === null) res.failures.push('membership did not converge before the storm')
    if (!(await admitEveryone(cf))) res.failures.push('not every node came online after admit')

    const applied = new Set<string>()
    const deadline = Date.now() + cfg.durationMs
    const live = (): string[] => controls.running().map((n) => n.name)

    const killer = (async () => {
      for (let i = 0; i < 10_000 && Date.now() < deadline; i++) {
        await sleep(cfg.killEveryMs * (0.5 + Math.random()))
        if (Date.now() >= deadline) break
        const victim = pickOne(live())
        controls.drop(victim)
        await fleet.kill(victim, 'SIGKILL')
        kills++
        await sleep(500 + Math.random() * 1500)
        try { await fleet.start(victim) } catch (err) { res.failures.push(`${victim} failed to restart after kill -9: ${String(err).slice(0, 300)}`) }
      }
    })()

    const commander = (async () => {
      const gap = 1000 / cfg.commandsPerSec
      for (let i = 0; i < 1_000_000 && Date.now() < deadline; i++) {
        const via = pickOne(live())
        const target = pickOne(fleet.nodes)
        const r = Math.random()
        if (r < 0.5) void operator.send(via, r < 0.3 ? 'tag_add' : 'tag_remove', toNodes(target.nodeId), { tag: `t${i % 10}` })
        else {
          // Transitions: maintenance in and out, chosen from the state this replica shows.
          const view = await controls.call(via, 'node', { id: target.nodeId }, 5000).catch(() => null)
          if (view?.state === 'online') void operator.send(via, 'maintenance_enter', toNodes(target.nodeId), { type: 'planned', reason: `storm ${i}` })
          else if (typeof view?.state === 'string' && view.state.startsWith('maintenance_')) void operator.send(via, 'maintenance_exit', toNodes(target.nodeId))
        }
        await sleep(gap)
      }
    })()

    const watcher = (async () => {
      for (let i = 0; i < 10_000 && Date.now() < deadline; i++) {
        await sleep(3000)
        try { for (const p of await appliedPairs(controls, pickOne(live()))) applied.add(p) } catch {}
      }
    })()

    await Promise.all([killer, commander, watcher])
    for (const n of fleet.nodes) if (n.child === null) await fleet.start(n.name)
    opts.log(`crash storm: ${kills} kills, ${operator.acknowledged().length}/${operator.log.length} commands acknowledged; converging`)
    await sleep(2000) // let in-flight submissions settle before judging
    res.convergeMs = await waitDigestsEqual(controls, 180_000)
    if (res.convergeMs === null) res.failures.push(`replica digests still differ 180 s after the storm: ${await digestSpread(controls)}`)
    await settleResults(cf, 60_000)
    const check = await checkReplicas(fleet, controls, operator, applied)
    res.lost = lostCount(check)
    res.failures.push(...describeCheck(check).filter((l) => !l.startsWith('unfinished')))
    if (check.unfinished.length > 0) res.failures.push(`node actions left 'accepted' without a final result: ${describeCheck({ ...check, unanswered: [], vanished: [], gaps: [], behind: [] }).join(' ')}`)

    // Whole-fleet kill -9: every store must open again and hold exactly what it held.
    const before = (await controls.status(fleet.nodes[0].name)).replicaDigest
    controls.closeAll()
    await Promise.all(fleet.nodes.map(async (n) => { await fleet.kill(n.name, 'SIGKILL') }))
    kills += fleet.nodes.length
    for (const n of fleet.nodes) {
      try { await fleet.start(n.name) } catch (err) { res.failures.push(`${n.name}'s store did not open after kill -9: ${String(err).slice(0, 300)}`) }
    }
    const after = await controls.statuses()
    const changed = [...after.entries()].filter(([, s]) => s.replicaDigest !== before).map(([name]) => name)
    if (changed.length > 0 && (await waitDigestsEqual(controls, 60_000)) === null) res.failures.push(`after the whole-fleet kill -9, digests differ: ${await digestSpread(controls)}`)
    else if (changed.length > 0) res.notes.push(`after whole-fleet kill -9, ${changed.length} replica(s) reopened with another digest and re-converged`)
    res.notes.push(`${operator.acknowledged().length} commands acknowledged, ${applied.size} applied results watched`)
    for (const c of fleet.crashes) res.failures.push(`${c.name} exited unasked (code ${c.code}, signal ${c.signal}): ${c.log.split('\n').slice(-3).join(' | ')}`)
  } catch (err) {
    res.failures.push(`scenario aborted: ${String((err as Error)?.stack ?? err).slice(0, 600)}`)
  } finally {
    res.faults = `${kills} kill -9`
    await stopChaosFleet(cf)
    res.elapsedMs = Date.now() - t0
  }
  return res
}

/** Waits (bounded) until no acknowledged node action is still only `accepted` on n1's replica. */
async function settleResults (cf: ChaosFleet, timeoutMs: number): Promise<void> {
  const t0 = Date.now()
  for (let i = 0; i < 100 && Date.now() - t0 < timeoutMs; i++) {
    const check = await checkReplicas(cf.fleet, cf.controls, cf.operator, new Set(), [cf.fleet.nodes[0]]).catch(() => null)
    if (check !== null && check.unanswered.length === 0 && check.unfinished.length === 0) return
    await sleep(2000)
  }
}
