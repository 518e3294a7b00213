/**
 * Scenario 6, scale: N daemons on this one machine (default 100; 10 with --quick), one heartbeat
 * interval raised for the largest N, reached in steps (10, 25, 50, 75, 100). At each step: the
 * time until every node sees every other alive, CPU and RSS per daemon over an idle window, the
 * traffic each daemon reports (message sizes and rates by kind, anti-entropy bytes) next to what
 * its TCP sockets really carried. The run stops before a step the box cannot hold (memory for
 * the next step, or the idle daemons already taking most of the CPU) and says so. At the last
 * step: propagation of state transitions to every node (p50/p99 from each daemon's own
 * receivedAt) and, from those figures, a traffic model per node at 1,000 and 10,000 nodes.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ControlClient } from '../../node/control/index.js'
import { CONTROL_SOCKET_NAME, PERIODIC_KINDS, type ReplicaChange } from '../../protocol/control.js'
import { cpus } from 'node:os'
import { killAllTracked, mapLimit, sampleIdle, sleep, summarize, fmt, type Summary } from '../helpers/index.js'
import { startChaosFleet, stopChaosFleet, waitMembership, type ChaosFleet } from './fleet-setup.js'
import { digestSpread, waitDigestsEqual } from './invariants.js'
import { toNodes } from './operator.js'
import { newResult, pickOne, type ChaosOptions, type ScenarioResult } from './types.js'

export interface ScaleOptions {
  n: number
  /** @default 30000 from 50 nodes up (2 cores cannot carry 100 daemons at 5 s), else 2000 */
  heartbeatIntervalMs?: number
  /** Anti-entropy interval. @default 60000 from 50 nodes up, else 10000 */
  syncIntervalMs?: number
  /** Idle window for CPU, RSS and traffic. @default 60 s, quick 20 s */
  idleMs?: number
  /** Transitions whose propagation is measured. @default 30, quick 10 */
  transitions?: number
}

/** Below this much available memory the run stops: other people share this machine. */
const MIN_AVAILABLE_KIB = 1.5 * 1024 * 1024

function memAvailableKiB (): number {
  const m = /^MemAvailable:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))
  return m === null ? Infinity : Number(m[1])
}

type SocketBytes = Map<string, { pid: number, sent: number, received: number }>

/**
 * Every established TCP socket of `pids` with the payload bytes it sent and received so far
 * (`ss -ti`: the kernel's tcp_info, so Noise, yamux and gossipsub framing, relays and duplicates
 * are all in it). Null when ss is missing.
 */
function tcpSockets (pids: Set<number>): SocketBytes | null {
  let text: string
  try {
    text = execFileSync('ss', ['-tinpH', 'state', 'established'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  } catch {
    return null
  }
  const out: SocketBytes = new Map()
  const lines = text.split('\n')
  for (let i = 0; i < lines.length - 1; i++) {
    const pid = Number(/pid=(\d+)/.exec(lines[i])?.[1])
    if (!pids.has(pid)) continue
    const info = lines[i + 1]
    const key = `${lines[i].trim().split(/\s+/).slice(2, 4).join(' ')} ${pid}`
    out.set(key, { pid, sent: Number(/bytes_sent:(\d+)/.exec(info)?.[1] ?? 0), received: Number(/bytes_received:(\d+)/.exec(info)?.[1] ?? 0) })
  }
  return out
}

/** Bytes sent + received per pid between two socket snapshots (new sockets count in full). */
function tcpRates (before: SocketBytes, after: SocketBytes, seconds: number): number[] {
  const per = new Map<number, number>()
  for (const [key, a] of after) {
    const b = before.get(key)
    per.set(a.pid, (per.get(a.pid) ?? 0) + (a.sent - (b?.sent ?? 0)) + (a.received - (b?.received ?? 0)))
  }
  return [...per.values()].map((v) => v / seconds)
}

interface KindFigures { perNodePerSec: number, meanBytes: number }

/** Per-kind rates per node and mean sizes from two `traffic` snapshots of every node. */
function trafficDelta (before: Map<string, any>, after: Map<string, any>, seconds: number, side: 'gossipOut' | 'gossipIn'): Record<string, KindFigures> {
  const sum: Record<string, { messages: number, bytes: number }> = {}
  let nodes = 0
  for (const [name, s] of after) {
    const a = s.traffic?.[side] ?? {}
    const b = before.get(name)?.traffic?.[side] ?? {}
    nodes++
    for (const kind of Object.keys(a)) {
      const t = sum[kind] ?? (sum[kind] = { messages: 0, bytes: 0 })
      t.messages += a[kind].messages - (b[kind]?.messages ?? 0)
      t.bytes += a[kind].bytes - (b[kind]?.bytes ?? 0)
    }
  }
  const out: Record<string, KindFigures> = {}
  for (const [kind, t] of Object.entries(sum)) {
    out[kind] = { perNodePerSec: t.messages / Math.max(1, nodes) / seconds, meanBytes: t.messages > 0 ? t.bytes / t.messages : 0 }
  }
  return out
}

function syncDelta (before: Map<string, any>, after: Map<string, any>, seconds: number): { pulledBytesPerSec: number, servedBytesPerSec: number, exchangesPerSec: number } {
  let pulled = 0
  let served = 0
  let requests = 0
  let nodes = 0
  for (const [name, s] of after) {
    const b = before.get(name)?.traffic
    nodes++
    pulled += (s.traffic?.syncPulled.bytes ?? 0) - (b?.syncPulled.bytes ?? 0)
    served += (s.traffic?.syncServed.bytesOut ?? 0) + (s.traffic?.syncServed.bytesIn ?? 0) - (b?.syncServed.bytesOut ?? 0) - (b?.syncServed.bytesIn ?? 0)
    requests += (s.traffic?.syncServed.requests ?? 0) - (b?.syncServed.requests ?? 0)
  }
  const per = Math.max(1, nodes) * seconds
  return { pulledBytesPerSec: pulled / per, servedBytesPerSec: served / per, exchangesPerSec: requests / per }
}

export interface TrafficInputs {
  n: number
  heartbeatIntervalMs: number
  syncIntervalMs: number
  /** Mean encoded heartbeat gossip message, bytes. */
  heartbeatBytes: number
  /** Mean encoded event gossip message, bytes (0 if none seen). */
  eventBytes: number
  /** Events each node authored per second in the window. */
  eventsPerNodePerSec: number
  /** Anti-entropy request+answer bytes per node per second, measured. */
  syncBytesPerSec: number
  /** TCP bytes per node per second over the app-level gossip bytes in+out (framing, relays, duplicates). */
  wireFactor: number
}

const KiB = 1024

/** Per-node budget the bounded settings aim at (gossip and anti-entropy, both directions). */
const BUDGET_BYTES_PER_SEC = 256 * 1024
const UNREACHABLE_MULTIPLIER = 6

/**
 * Per-node traffic at other fleet sizes from the measured figures. Every node hears every other
 * node's heartbeats and events (gossip scales with N), and the anti-entropy digest carries one
 * entry per origin (each exchange grows with N too). For each size: the daemon defaults (heartbeat
 * 5 s, anti-entropy 30 s), then the heartbeat and anti-entropy intervals that keep a node within
 * BUDGET_BYTES_PER_SEC, and what that costs in failure detection (unreachable after 6 beats).
 */
export function trafficModel (m: TrafficInputs, sizes = [1000, 10_000]): string[] {
  const digestEntryBytes = 80 // `"<52-char peer id>":{"min":n,"max":n},`
  const perNode = (n: number, hbMs: number, syncMs: number): { gossip: number, sync: number, total: number } => {
    const gossip = ((n - 1) * m.heartbeatBytes / (hbMs / 1000) + (n - 1) * m.eventsPerNodePerSec * m.eventBytes) * m.wireFactor
    // One exchange we start and, on average, one we answer: two digests each way per interval.
    const sync = 4 * (n * digestEntryBytes + 200) / (syncMs / 1000)
    return { gossip, sync, total: gossip + sync }
  }
  const rate = (b: number): string => b >= 1024 * KiB ? `${(b / 1024 / KiB).toFixed(1)} MiB/s` : `${(b / KiB).toFixed(1)} KiB/s`
  const lines = [`inputs from N=${m.n}: heartbeat message ${Math.round(m.heartbeatBytes)} B, events ${m.eventsPerNodePerSec.toFixed(3)}/node/s x ${Math.round(m.eventBytes)} B, ` +
    `TCP/app bytes ${m.wireFactor.toFixed(1)}x, anti-entropy measured ${rate(m.syncBytesPerSec)}/node at ${m.syncIntervalMs / 1000} s; budget ${rate(BUDGET_BYTES_PER_SEC)}/node`]
  for (const n of sizes) {
    const defaults = perNode(n, 5000, 30_000)
    // Anti-entropy gets a tenth of the budget, heartbeats the rest (events are the operators' pace).
    const syncMs = Math.max(30_000, Math.ceil(4 * (n * digestEntryBytes + 200) / (BUDGET_BYTES_PER_SEC / 10)) * 1000)
    const eventsBytes = (n - 1) * m.eventsPerNodePerSec * m.eventBytes * m.wireFactor
    const hbBudget = BUDGET_BYTES_PER_SEC * 0.9 - eventsBytes
    const hbMs = hbBudget <= 0 ? NaN : Math.max(5000, Math.ceil((n - 1) * m.heartbeatBytes * m.wireFactor / hbBudget) * 1000)
    const bounded = perNode(n, hbMs, syncMs)
    lines.push(`N=${n}: defaults (heartbeat 5 s, anti-entropy 30 s) ~${rate(defaults.total)} per node (heartbeats and events ${rate(defaults.gossip)}, anti-entropy ${rate(defaults.sync)}); ` +
      (Number.isNaN(hbMs)
        ? 'events alone exceed the budget at this N'
        : `heartbeat ${Math.round(hbMs / 1000)} s and anti-entropy ${Math.round(syncMs / 1000)} s keep it at ~${rate(bounded.total)}, with a dead node unreachable after ~${Math.round(hbMs * UNREACHABLE_MULTIPLIER / 1000)} s`))
  }
  return lines
}

interface Step {
  n: number
  readyS: number
  membershipMs: number | null
  rss: Summary
  /** Private (anonymous) memory per daemon: what one more daemon costs the box. */
  anon: Summary
  cpu: Summary
  tcp: Summary | null
  out: Record<string, KindFigures>
  inn: Record<string, KindFigures>
  sync: ReturnType<typeof syncDelta>
  appBytes: number
}

/** Admits every discovered node and waits until n1 lists the `count` running nodes online. */
async function admitRunning (cf: ChaosFleet, count: number, timeoutMs: number): Promise<boolean> {
  const first = cf.fleet.nodes[0].name
  const t0 = Date.now()
  for (let i = 0; Date.now() - t0 < timeoutMs && i < 10_000; i++) {
    const nodes: any[] = await cf.controls.call(first, 'nodes', {}, 60_000)
    const discovered = nodes.filter((x) => x.state === 'discovered').map((x) => x.id)
    if (discovered.length > 0 && i % 10 === 0) await cf.operator.send(first, 'admit', { kind: 'nodes', nodes: discovered })
    if (nodes.length >= count && nodes.filter((x) => x.state === 'online').length >= count) return true
    await sleep(2000)
  }
  return false
}

/** CPU, RSS, traffic by kind and TCP bytes of the running daemons over `idleMs`. */
async function measureIdle (cf: ChaosFleet, idleMs: number): Promise<Omit<Step, 'n' | 'readyS' | 'membershipMs'>> {
  const pids = cf.controls.running().map((x) => x.pid)
  const before = await cf.controls.statuses()
  const tcpBefore = tcpSockets(new Set(pids))
  const w0 = Date.now()
  const idle = await sampleIdle(pids, idleMs)
  const seconds = (Date.now() - w0) / 1000
  const tcpAfter = tcpSockets(new Set(pids))
  const after = await cf.controls.statuses()
  const out = trafficDelta(before, after, seconds, 'gossipOut')
  const inn = trafficDelta(before, after, seconds, 'gossipIn')
  const appBytes = Object.values(out).reduce((a, v) => a + v.perNodePerSec * v.meanBytes, 0) + Object.values(inn).reduce((a, v) => a + v.perNodePerSec * v.meanBytes, 0)
  return {
    rss: summarize(idle.map((s) => s.rssKiB / 1024)),
    anon: summarize(idle.map((s) => s.anonKiB / 1024)),
    cpu: summarize(idle.map((s) => s.cpuPercent)),
    tcp: tcpBefore === null || tcpAfter === null ? null : summarize(tcpRates(tcpBefore, tcpAfter, seconds).map((x) => x / 1024)),
    out,
    inn,
    sync: syncDelta(before, after, seconds),
    appBytes
  }
}

/** Transitions driven through operators, observed in-process on every running node. */
async function measurePropagation (cf: ChaosFleet, transitions: number, subs: ControlClient[], stopped: () => boolean): Promise<{ summary: Summary, lost: number, sent: number }> {
  const running = cf.controls.running()
  const seen = new Map<string, Map<string, number>>() // origin#seq -> observer -> receivedAt
  for (const node of running) {
    const c = await ControlClient.connect(join(node.dir, CONTROL_SOCKET_NAME))
    subs.push(c)
    await c.subscribe((ch: ReplicaChange) => {
      if (ch.kind !== 'event' || ch.type !== 'transition') return
      const key = `${ch.origin}#${String(ch.seq)}`
      const m = seen.get(key) ?? new Map<string, number>()
      if (!m.has(node.nodeId)) m.set(node.nodeId, ch.receivedAt)
      seen.set(key, m)
    }, { skipKinds: PERIODIC_KINDS })
  }
  const since = Date.now()
  let sent = 0
  for (let i = 0; i < transitions && !stopped(); i++) {
    const target = pickOne(running)
    const view = await cf.controls.call(target.name, 'node', { id: target.nodeId }).catch(() => null)
    if (view?.state === 'online') await cf.operator.send(target.name, 'maintenance_enter', toNodes(target.nodeId), { type: 'planned', reason: `scale ${i}` })
    else await cf.operator.send(target.name, 'maintenance_exit', toNodes(target.nodeId))
    sent++
    await sleep(1500)
  }
  // Wait (bounded) for the last transitions to reach everyone.
  for (let i = 0; i < 60 && [...seen.values()].some((m) => m.size < running.length); i++) await sleep(1000)
  const samples: number[] = []
  let lost = 0
  for (const [key, m] of seen) {
    const at = m.get(key.slice(0, key.indexOf('#')))
    if (at === undefined || at < since) continue
    if (m.size < running.length) { lost++; continue }
    samples.push(Math.max(...m.values()) - at)
  }
  return { summary: summarize(samples), lost, sent }
}

const kinds = (t: Record<string, KindFigures>): string => Object.entries(t).map(([k, v]) => `${k} ${v.perNodePerSec.toFixed(3)}/s x ${Math.round(v.meanBytes)} B`).join(', ') || 'none'

/** Fleet sizes measured on the way to `n`. */
function stepsTo (n: number, quick: boolean): number[] {
  if (quick) return [n]
  return [...new Set([10, 25, 50, 75, 100].filter((s) => s < n).concat(n))]
}

export async function scale (opts: ChaosOptions, o: ScaleOptions): Promise<ScenarioResult> {
  const n = o.n
  const hb = o.heartbeatIntervalMs ?? (n >= 50 ? 30_000 : 2000)
  const syncMs = o.syncIntervalMs ?? (n >= 50 ? 60_000 : 10_000)
  const idleMs = o.idleMs ?? (opts.quick ? 20_000 : 60_000)
  const transitions = o.transitions ?? (opts.quick ? 10 : 30)
  const res = newResult('scale')
  res.faults = 'none'
  const t0 = Date.now()
  let cf: ChaosFleet | undefined
  const subs: ControlClient[] = []
  let outOfMemory = false
  const guard = setInterval(() => {
    if (memAvailableKiB() < MIN_AVAILABLE_KIB && !outOfMemory) {
      outOfMemory = true
      opts.log(`scale: available memory below ${MIN_AVAILABLE_KIB / 1024 / 1024} GiB: stopping every daemon`)
      killAllTracked('SIGKILL')
    }
  }, 1000)
  const steps: Step[] = []
  try {
    res.notes.push(`box: ${fmt(memAvailableKiB() / 1024 / 1024, 1)} GiB available at the start; heartbeat ${hb / 1000} s, anti-entropy ${syncMs / 1000} s for every step`)
    const plan = stepsTo(n, opts.quick)
    cf = await startChaosFleet({
      n,
      startFirst: plan[0],
      heartbeatIntervalMs: hb,
      startConcurrency: 3,
      readyTimeoutMs: 300_000,
      readyProbe: 'socket',
      daemonConfig: { syncIntervalMs: syncMs, reconcileIntervalMs: n >= 50 ? 10_000 : 2000 }
    })
    const { fleet, controls } = cf
    let readyAt = Date.now()
    for (let k = 0; k < plan.length && !outOfMemory; k++) {
      const size = plan[k]
      if (k > 0) {
        const s0 = Date.now()
        await mapLimit(fleet.nodes.slice(plan[k - 1], size), 3, async (node) => { await fleet.start(node.name) })
        readyAt = Date.now()
        opts.log(`scale: ${size} daemons up (${Math.round((readyAt - s0) / 1000)} s for the last ${size - plan[k - 1]})`)
      }
      const readyS = (readyAt - t0) / 1000
      const membershipMs = await waitMembership(cf, 600_000)
      if (membershipMs === null) res.failures.push(`N=${size}: membership did not converge within 600 s`)
      if (!(await admitRunning(cf, size, 600_000))) res.failures.push(`N=${size}: not every node came online after admit`)
      // Idle means after admission has reached every replica (as in the fleet bench): sampled 5 s
      // after admit, a large step still carried its admission's events and their anti-entropy.
      const agreedMs = await waitDigestsEqual(controls, 300_000, 2000)
      if (agreedMs === null) res.notes.push(`N=${size}: replicas did not agree on one digest within 300 s of admission; idle sampled anyway`)
      await sleep(10_000)
      const m = await measureIdle(cf, idleMs)
      const step: Step = { n: size, readyS, membershipMs, ...m }
      steps.push(step)
      const boxCpu = m.cpu.mean * size
      res.notes.push(`N=${size}: all alive ${membershipMs === null ? 'never' : `${fmt(membershipMs / 1000, 1)} s`} after the last start, one digest ${agreedMs === null ? 'never' : `${fmt(agreedMs / 1000, 1)} s`} after admission; per daemon RSS mean ${fmt(m.rss.mean)} MiB (max ${fmt(m.rss.max)}; private ${fmt(m.anon.mean)}), ` +
        `CPU mean ${fmt(m.cpu.mean, 2)}% (max ${fmt(m.cpu.max, 2)}%) of a core, all daemons ${fmt(boxCpu, 0)}% of the box's ${cpus().length * 100}%; ` +
        `TCP ${m.tcp === null ? '-' : `${fmt(m.tcp.mean, 1)} KiB/s`} per daemon; heartbeat ${Math.round(m.out.heartbeat?.meanBytes ?? 0)} B`)
      opts.log(`scale: ${res.notes[res.notes.length - 1]}`)
      const next = plan[k + 1]
      if (next === undefined) break
      // Stop before the box does: memory for the next step (daemons grow with N), or CPU already gone.
      // Private memory: the file pages in RSS (node binary, LMDB map) are shared by every daemon.
      const needKiB = m.anon.mean * 1024 * (next - size) * 1.2
      if (memAvailableKiB() - needKiB < 2 * MIN_AVAILABLE_KIB) {
        res.failures.push(`stopped at N=${size} of ${n}: ${next} daemons would need ~${fmt(needKiB / 1024 / 1024, 1)} GiB more (at ${fmt(m.anon.mean, 0)} MiB private each), ${fmt(memAvailableKiB() / 1024 / 1024, 1)} GiB available`)
        break
      }
      if (boxCpu > cpus().length * 100 * 0.8) {
        res.failures.push(`stopped at N=${size} of ${n}: the idle daemons already use ${fmt(boxCpu, 0)}% of ${cpus().length * 100}% CPU; ${next} would starve (liveness and readiness time out)`)
        break
      }
    }
    const last = steps[steps.length - 1]
    if (last === undefined) throw new Error('no step was measured')
    res.load = `${last.n}${last.n < n ? ` of ${n}` : ''} nodes, heartbeat ${hb / 1000} s, anti-entropy ${syncMs / 1000} s`
    res.convergeMs = last.membershipMs
    res.notes.push(`at N=${last.n}: gossip published per node: ${kinds(last.out)}; accepted per node: ${kinds(last.inn)}`)
    res.notes.push(`at N=${last.n}: anti-entropy per node ${last.sync.exchangesPerSec.toFixed(3)} requests answered/s, ${fmt(last.sync.pulledBytesPerSec / 1024, 2)} KiB/s pulled, ${fmt(last.sync.servedBytesPerSec / 1024, 2)} KiB/s served; ` +
      `TCP payload ${last.tcp === null ? 'not measured (no ss)' : `mean ${fmt(last.tcp.mean, 1)} KiB/s, max ${fmt(last.tcp.max, 1)} KiB/s`} per daemon vs app-level gossip ${fmt(last.appBytes / 1024, 2)} KiB/s`)

    if (!outOfMemory) {
      const prop = await measurePropagation(cf, transitions, subs, () => outOfMemory)
      res.notes.push(`at N=${last.n}: propagation of ${prop.summary.n} transitions (${prop.sent} commands) to every node: p50 ${fmt(prop.summary.p50, 0)} ms, p99 ${fmt(prop.summary.p99, 0)} ms, max ${fmt(prop.summary.max, 0)} ms; ${prop.lost} not everywhere after 60 s`)
      if (prop.lost > 0) res.failures.push(`${prop.lost} transitions did not reach all ${last.n} nodes within 60 s`)
      if (prop.summary.n === 0) res.failures.push('no transition was observed: propagation not measured')
      res.lost = prop.lost
    }

    const event = last.out.event ?? { perNodePerSec: 0, meanBytes: 0 }
    const model = trafficModel({
      n: last.n,
      heartbeatIntervalMs: hb,
      syncIntervalMs: syncMs,
      heartbeatBytes: last.out.heartbeat?.meanBytes ?? last.inn.heartbeat?.meanBytes ?? 0,
      eventBytes: event.meanBytes,
      eventsPerNodePerSec: event.perNodePerSec,
      syncBytesPerSec: last.sync.pulledBytesPerSec + last.sync.servedBytesPerSec,
      wireFactor: last.appBytes > 0 && last.tcp !== null ? Math.max(1, last.tcp.mean * 1024 / last.appBytes) : 1
    })
    res.notes.push(...model.map((l) => `traffic model: ${l}`))

    if (await waitDigestsEqual(controls, 120_000) === null) res.failures.push(`replica digests differ at the end: ${(await digestSpread(controls)).slice(0, 400)}`)
    for (const c of fleet.crashes) res.failures.push(`${c.name} exited unasked (code ${c.code}, signal ${c.signal}): ${c.log.split('\n').slice(-3).join(' | ')}`)
  } catch (err) {
    res.failures.push(`scenario aborted: ${String((err as Error)?.stack ?? err).slice(0, 600)}`)
  } finally {
    clearInterval(guard)
    if (outOfMemory) res.failures.push(`stopped: available memory fell below ${MIN_AVAILABLE_KIB / 1024 / 1024} GiB`)
    if (res.load === '') res.load = `${steps.at(-1)?.n ?? 0} of ${n} nodes, heartbeat ${hb / 1000} s`
    for (const c of subs) c.close()
    await stopChaosFleet(cf)
    res.elapsedMs = Date.now() - t0
  }
  return res
}
