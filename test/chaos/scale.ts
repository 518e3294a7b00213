/**
 * Scenario 6, scale: N daemons on this one machine (default 100; 10 with --quick), heartbeat
 * interval raised with N. Measures the time to a converged membership, the propagation of state
 * transitions to every node (p50/p99 from each daemon's own receivedAt), CPU and RSS per daemon
 * over an idle window, and the traffic each daemon reports (message sizes and rates by kind,
 * anti-entropy bytes) next to what its TCP sockets really carried. From those figures it writes a traffic model per node
 * at 1,000 and 10,000 nodes. A memory guard ends the run (and says so) before the box runs out.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ControlClient } from '../../node/control/index.js'
import { CONTROL_SOCKET_NAME, type ReplicaChange } from '../../protocol/control.js'
import { killAllTracked, sampleIdle, sleep, summarize, fmt, type Summary } from '../helpers/index.js'
import { admitEveryone, startChaosFleet, stopChaosFleet, waitMembership, type ChaosFleet } from './fleet-setup.js'
import { digestSpread, waitDigestsEqual } from './invariants.js'
import { toNodes } from './operator.js'
import { newResult, pickOne, type ChaosOptions, type ScenarioResult } from './types.js'

export interface ScaleOptions {
  n: number
  /** @default 5000 from 50 nodes up, else 2000 */
  heartbeatIntervalMs?: number
  /** Anti-entropy interval. @default 10000 */
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

export async function scale (opts: ChaosOptions, o: ScaleOptions): Promise<ScenarioResult> {
  const n = o.n
  const hb = o.heartbeatIntervalMs ?? (n >= 50 ? 5000 : 2000)
  const syncMs = o.syncIntervalMs ?? 10_000
  const idleMs = o.idleMs ?? (opts.quick ? 20_000 : 60_000)
  const transitions = o.transitions ?? (opts.quick ? 10 : 30)
  const res = newResult('scale')
  res.load = `${n} nodes, heartbeat ${hb / 1000} s, anti-entropy ${syncMs / 1000} s`
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
  try {
    const memBefore = memAvailableKiB()
    cf = await startChaosFleet({
      n,
      heartbeatIntervalMs: hb,
      startConcurrency: 4,
      readyTimeoutMs: 300_000,
      daemonConfig: { syncIntervalMs: syncMs, reconcileIntervalMs: 2000 }
    })
    const { fleet, controls, operator } = cf
    const started = Date.now() - t0
    opts.log(`scale: ${n} daemons up in ${Math.round(started / 1000)} s; waiting for membership`)
    const membership = await waitMembership(cf, 600_000)
    if (membership === null) res.failures.push(`membership did not converge within 600 s of the last start (${n} nodes)`)
    res.convergeMs = membership
    res.notes.push(`start: ${n} daemons ready in ${fmt(started / 1000, 0)} s; every node saw all ${n} alive ${membership === null ? 'never' : `${fmt(membership / 1000, 1)} s`} after the last was ready`)
    if (!(await admitEveryone(cf, 600_000))) res.failures.push('not every node came online after admit')

    // Idle: CPU, RSS, traffic, process I/O.
    await sleep(5000)
    const pids = fleet.nodes.map((x) => x.pid)
    const before = await controls.statuses()
    const tcpBefore = tcpSockets(new Set(pids))
    const w0 = Date.now()
    const idle = await sampleIdle(pids, idleMs)
    const seconds = (Date.now() - w0) / 1000
    const tcpAfter = tcpSockets(new Set(pids))
    const after = await controls.statuses()
    const rss = summarize(idle.map((s) => s.rssKiB / 1024))
    const cpu = summarize(idle.map((s) => s.cpuPercent))
    res.notes.push(`idle ${fmt(seconds, 0)} s, per daemon: RSS mean ${fmt(rss.mean)} MiB, max ${fmt(rss.max)} MiB; CPU mean ${fmt(cpu.mean, 2)}%, max ${fmt(cpu.max, 2)}% of a core (box: ${fmt(memBefore / 1024 / 1024, 1)} GiB available before the start)`)
    const out = trafficDelta(before, after, seconds, 'gossipOut')
    const inn = trafficDelta(before, after, seconds, 'gossipIn')
    const sync = syncDelta(before, after, seconds)
    const kinds = (t: Record<string, KindFigures>): string => Object.entries(t).map(([k, v]) => `${k} ${v.perNodePerSec.toFixed(3)}/s x ${Math.round(v.meanBytes)} B`).join(', ') || 'none'
    res.notes.push(`gossip published per node: ${kinds(out)}; accepted per node: ${kinds(inn)}`)
    res.notes.push(`anti-entropy per node: ${sync.exchangesPerSec.toFixed(3)} requests answered/s, ${fmt(sync.pulledBytesPerSec / 1024, 2)} KiB/s pulled, ${fmt(sync.servedBytesPerSec / 1024, 2)} KiB/s served (request + answer)`)
    const appBytes = Object.values(out).reduce((a, v) => a + v.perNodePerSec * v.meanBytes, 0) + Object.values(inn).reduce((a, v) => a + v.perNodePerSec * v.meanBytes, 0)
    const tcp = tcpBefore === null || tcpAfter === null ? null : summarize(tcpRates(tcpBefore, tcpAfter, seconds).map((x) => x / 1024))
    res.notes.push(tcp === null
      ? `TCP bytes not measured (no ss); app-level gossip in+out ${fmt(appBytes / 1024, 2)} KiB/s per daemon`
      : `TCP payload sent+received per daemon: mean ${fmt(tcp.mean, 1)} KiB/s, max ${fmt(tcp.max, 1)} KiB/s; app-level gossip in+out ${fmt(appBytes / 1024, 2)} KiB/s (wire/app ${fmt(tcp.mean * 1024 / Math.max(1, appBytes), 1)}x)`)

    // Propagation: transitions driven through operators, observed in-process on every node.
    const seen = new Map<string, Map<string, number>>() // origin#seq -> observer -> receivedAt
    for (const node of fleet.nodes) {
      const c = await ControlClient.connect(join(node.dir, CONTROL_SOCKET_NAME))
      subs.push(c)
      await c.subscribe((ch: ReplicaChange) => {
        if (ch.kind !== 'event' || ch.type !== 'transition') return
        const key = `${ch.origin}#${String(ch.seq)}`
        const m = seen.get(key) ?? new Map<string, number>()
        if (!m.has(node.nodeId)) m.set(node.nodeId, ch.receivedAt)
        seen.set(key, m)
      })
    }
    const since = Date.now()
    let sent = 0
    for (let i = 0; i < transitions && !outOfMemory; i++) {
      const target = pickOne(fleet.nodes)
      const view = await controls.call(target.name, 'node', { id: target.nodeId }).catch(() => null)
      if (view?.state === 'online') await operator.send(target.name, 'maintenance_enter', toNodes(target.nodeId), { type: 'planned', reason: `scale ${i}` })
      else await operator.send(target.name, 'maintenance_exit', toNodes(target.nodeId))
      sent++
      await sleep(1500)
    }
    // Wait (bounded) for the last transitions to reach everyone.
    for (let i = 0; i < 60; i++) {
      const incomplete = [...seen.values()].filter((m) => m.size < fleet.nodes.length).length
      if (incomplete === 0) break
      await sleep(1000)
    }
    const samples: number[] = []
    let lost = 0
    for (const [key, m] of seen) {
      const origin = key.slice(0, key.indexOf('#'))
      const at = m.get(origin)
      if (at === undefined || at < since) continue
      if (m.size < fleet.nodes.length) { lost++; continue }
      samples.push(Math.max(...m.values()) - at)
    }
    const prop: Summary = summarize(samples)
    res.notes.push(`propagation of ${prop.n} transitions (${sent} commands) to all ${n} nodes: p50 ${fmt(prop.p50, 0)} ms, p99 ${fmt(prop.p99, 0)} ms, max ${fmt(prop.max, 0)} ms; ${lost} not everywhere after 60 s`)
    if (lost > 0) res.failures.push(`${lost} transitions did not reach all ${n} nodes within 60 s`)
    if (prop.n === 0) res.failures.push('no transition was observed: propagation not measured')
    res.lost = lost

    const eventOut = out.event ?? { perNodePerSec: 0, meanBytes: 0 }
    const model = trafficModel({
      n,
      heartbeatIntervalMs: hb,
      syncIntervalMs: syncMs,
      heartbeatBytes: out.heartbeat?.meanBytes ?? inn.heartbeat?.meanBytes ?? 0,
      eventBytes: eventOut.meanBytes,
      eventsPerNodePerSec: eventOut.perNodePerSec,
      syncBytesPerSec: sync.pulledBytesPerSec + sync.servedBytesPerSec,
      wireFactor: appBytes > 0 && tcp !== null ? Math.max(1, tcp.mean * 1024 / appBytes) : 1
    })
    res.notes.push(...model.map((l) => `traffic model: ${l}`))

    if (await waitDigestsEqual(controls, 120_000) === null) res.failures.push(`replica digests differ at the end: ${(await digestSpread(controls)).slice(0, 400)}`)
    for (const c of fleet.crashes) res.failures.push(`${c.name} exited unasked (code ${c.code}, signal ${c.signal}): ${c.log.split('\n').slice(-3).join(' | ')}`)
  } catch (err) {
    res.failures.push(`scenario aborted: ${String((err as Error)?.stack ?? err).slice(0, 600)}`)
  } finally {
    clearInterval(guard)
    if (outOfMemory) res.failures.push(`stopped: available memory fell below ${MIN_AVAILABLE_KIB / 1024 / 1024} GiB`)
    for (const c of subs) c.close()
    await stopChaosFleet(cf)
    res.elapsedMs = Date.now() - t0
  }
  return res
}
