/**
 * Issue 3's benchmark: N slm daemons against the same N HashiCorp Serf agents (Serf's default lan
 * timings), all on 127.0.0.1 as separate processes, one run each, printed as one table.
 *
 * - propagation: slm, a state transition stored on its origin -> stored on all N (each daemon's
 *   own receivedAt); Serf, a user event's handler on its origin -> handlers on all N.
 * - detection: kill -9 of one member -> every survivor marked it unreachable / logged member-failed.
 * - idle RSS and CPU per process over the same window, from /proc, once every replica holds the
 *   same digest (admission has spread); slm's again --settle-ms later, once the fleet has finished
 *   what admitting every member set off (the first window is kept, comparable with earlier runs).
 * - idle soak (slm, at N = --soak-n): the fleet left alone for --soak-ms while every daemon's
 *   liveness changes are recorded; any `unreachable` (or `suspect`) of a live daemon is false.
 *   Its last --idle-ms are sampled for CPU again: a daemon runs for months, and in its first
 *   minutes V8 is still compiling the code an idle daemon runs (it runs rarely, so it tiers up
 *   slowly): the first figure includes that warm-up, this one is the steady state.
 *
 * Flags: --sizes 10,30,50  --events 100 (20 with --quick)  --idle-ms 20000  --settle-ms 30000 (0 skips; 0 with --quick)
 *        --heartbeat-interval MS (daemon default)  --soak-n 30  --soak-ms 600000 (0 skips; 0 with --quick)
 *        --via tui|cli: how the operator's maintenance commands are sent (measure.ts CommandVia);
 *        tui by default: the measured window starts as the command's answer comes back, and an
 *        `slm` process exiting then loads the cores the receivers need (Serf's `serf event` is a
 *        small Go binary).
 */
import { existsSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { startFleet, type Fleet } from '../helpers/fleet.js'
import { admitAll, converge, Observers, settle, slmDetection, slmPropagation, type CommandVia } from '../helpers/measure.js'
import { sampleIdle } from '../helpers/proc-stats.js'
import { sleep } from '../helpers/wait.js'
import { fmt, ratio, summarize, table, type Summary } from '../helpers/report.js'
import { logCount, slmBin } from '../helpers/slm.js'
import { choiceFlag, listFlag, numberFlag, type BenchOptions } from '../helpers/bench.js'
import { GOSSIP_REPAIR_LOG } from '../../node/daemon/gossip-repair.js'
import { serfDetection, serfPropagation, startSerfFleet } from './serf.js'

interface Config {
  events: number
  idleMs: number
  /** Wait after the first idle window before sampling the settled one (0: none). */
  settleMs: number
  heartbeatIntervalMs?: number
  soakN: number
  soakMs: number
  via: CommandVia
}

/** One side's figures for one N; null where it could not be measured (see `notes`). */
interface Figures {
  propagation: Summary | null
  lost: number
  detectFirst: number | null
  detectAll: number | null
  rssMiB: Summary | null
  /** RssAnon: memory the process holds alone (RSS also counts shared file pages). */
  anonMiB: Summary | null
  cpuPercent: Summary | null
  /**
   * Idle CPU over a second window, --settle-ms after the first: a fleet that has just admitted
   * every member is still finishing that (V8 compiling the paths it used, the last full
   * heartbeats); the first window is kept so figures stay comparable with earlier runs.
   */
  cpuSettled: Summary | null
  /** Idle CPU over the soak's last idle window (warm JIT; observers attached). */
  cpuAfterSoak: Summary | null
  /** Liveness changes of live daemons to unreachable / suspect during the idle soak. */
  falseUnreachable: number | null
  falseSuspect: number | null
  notes: string[]
}

const empty = (): Figures => ({ propagation: null, lost: 0, detectFirst: null, detectAll: null, rssMiB: null, anonMiB: null, cpuPercent: null, cpuSettled: null, cpuAfterSoak: null, falseUnreachable: null, falseSuspect: null, notes: [] })
const log = (s: string): void => { console.log(`  ${new Date().toISOString().slice(11, 19)} ${s}`) }
/** The first line for the report's notes; the whole error (with a daemon's log tail) goes to the console now. */
const why = (err: unknown): string => {
  const text = err instanceof Error ? err.message : String(err)
  if (text.includes('\n')) log(`error detail:\n${text}`)
  return text.split('\n')[0].slice(0, 200)
}
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ')

// The host's CPU is saturated by the benchmark itself (N daemons on a few cores): a node going
// 'degraded' for it would block the maintenance cycle that produces the measured transitions.
const SLM_CONFIG = { thresholds: { cpu: 0 } }

async function measureSerf (n: number, cfg: Config): Promise<Figures> {
  const out = empty()
  log(`serf n=${n}: starting`)
  const fleet = await startSerfFleet(n)
  try {
    const idle = await sampleIdle(fleet.agents.map((a) => a.pid), cfg.idleMs)
    out.rssMiB = summarize(idle.map((s) => s.rssKiB / 1024))
    out.anonMiB = summarize(idle.map((s) => s.anonKiB / 1024))
    out.cpuPercent = summarize(idle.map((s) => s.cpuPercent))
    log(`serf n=${n}: propagation`)
    const p = await serfPropagation(fleet, cfg.events)
    out.propagation = p.samples.length > 0 ? summarize(p.samples) : null
    out.lost = p.lost
    log(`serf n=${n}: failure detection`)
    const d = await serfDetection(fleet, fleet.agents[n - 1])
    out.detectFirst = d.first
    out.detectAll = d.all
  } catch (err) {
    out.notes.push(`serf n=${n}: ${why(err)}`)
  } finally {
    await fleet.stop()
  }
  return out
}

async function measureSlm (n: number, cfg: Config): Promise<Figures> {
  const out = empty()
  log(`slm n=${n}: starting`)
  const start = async (): Promise<Fleet> => await startFleet({
    n, heartbeatIntervalMs: cfg.heartbeatIntervalMs, config: SLM_CONFIG, startConcurrency: 4, readyTimeoutMs: 120_000
  })
  // One retry: on a shared machine one slow start should not cost the whole size's figures.
  const fleet = await start().catch(async (err) => {
    out.notes.push(`slm n=${n}: first start failed (${why(err)}); retried`)
    return await start()
  })
  let obs: Observers | undefined
  try {
    // Larger fleets take longer to find each other on a 2-core box: the waits grow with N.
    await converge(fleet, 120_000 + 3_000 * n)
    log(`slm n=${n}: converged; admitting`)
    let admitted = true
    await admitAll(fleet, 90_000 + 2_000 * n).catch((err) => {
      admitted = false
      out.notes.push(`slm n=${n}: admit failed, propagation not measured: ${why(err)}`)
    })
    // Idle means after admission has reached every replica, not while its events still spread.
    const agreedMs = await settle(fleet)
    out.notes.push(agreedMs === null ? `slm n=${n}: replicas did not agree on one digest within 180 s; idle sampled anyway` : `slm n=${n}: one replica digest ${fmt(agreedMs / 1000, 1)} s after admission`)
    const idle = await sampleIdle(fleet.nodes.map((x) => x.pid), cfg.idleMs)
    out.rssMiB = summarize(idle.map((s) => s.rssKiB / 1024))
    out.anonMiB = summarize(idle.map((s) => s.anonKiB / 1024))
    out.cpuPercent = summarize(idle.map((s) => s.cpuPercent))
    if (cfg.settleMs > 0) {
      await sleep(cfg.settleMs)
      out.cpuSettled = summarize((await sampleIdle(fleet.nodes.map((x) => x.pid), cfg.idleMs)).map((s) => s.cpuPercent))
    }
    obs = new Observers(fleet)
    await obs.ready()
    if (admitted) {
      log(`slm n=${n}: propagation`)
      try {
        const p = await slmPropagation(fleet, obs, cfg.events, { via: cfg.via })
        out.propagation = summarize(p.samples)
        out.lost = p.lost
      } catch (err) {
        out.notes.push(`slm n=${n}: propagation: ${why(err)}`)
      }
    }
    if (n === cfg.soakN && cfg.soakMs > 0) {
      log(`slm n=${n}: idle soak for ${cfg.soakMs / 1000} s`)
      const since = Date.now()
      await sleep(Math.max(0, cfg.soakMs - cfg.idleMs))
      const warm = await sampleIdle(fleet.nodes.map((x) => x.pid), Math.min(cfg.idleMs, cfg.soakMs))
      out.cpuAfterSoak = summarize(warm.map((s) => s.cpuPercent))
      const changes = [...obs.seen.values()].flat().filter((c) => c.kind === 'liveness' && c.receivedAt >= since)
      out.falseUnreachable = changes.filter((c) => c.liveness === 'unreachable').length
      out.falseSuspect = changes.filter((c) => c.liveness === 'suspect').length
      out.notes.push(`slm n=${n}: idle soak ${cfg.soakMs / 1000} s: ${out.falseUnreachable} false unreachable, ${out.falseSuspect} false suspect, over ${n * (n - 1)} observer/peer pairs`)
      // Which members, on how many observers, when: one member stalled looks unlike scattered links.
      const byPeer = new Map<string, number[]>()
      for (const c of changes) {
        if (c.liveness === 'alive') continue
        const key = `${fleet.nodes.find((x) => x.nodeId === c.origin)?.name ?? String(c.origin)} ${String(c.liveness)}`
        byPeer.set(key, [...(byPeer.get(key) ?? []), c.receivedAt - since])
      }
      for (const [what, at] of byPeer) out.notes.push(`slm n=${n}: soak: ${what} on ${at.length} observers, ${(Math.min(...at) / 1000).toFixed(1)}–${(Math.max(...at) / 1000).toFixed(1)} s in`)
    }
    log(`slm n=${n}: failure detection`)
    try {
      const d = await slmDetection(fleet, obs, fleet.nodes[n - 1])
      out.detectFirst = d.first
      out.detectAll = d.all
      if (d.suspectAll !== undefined) out.notes.push(`slm n=${n}: all survivors had it suspect after ${fmt(d.suspectAll, 0)} ms`)
    } catch (err) {
      out.notes.push(`slm n=${n}: detection: ${why(err)}`)
    }
  } catch (err) {
    out.notes.push(`slm n=${n}: ${why(err)}`)
  } finally {
    await obs?.stop()
    // A gossip gap repaired (node/daemon/gossip-repair.ts) is a closed link, worth knowing beside the soak's counts.
    const reopened = fleet.nodes.reduce((sum, x) => sum + logCount(x.dir, GOSSIP_REPAIR_LOG), 0)
    out.notes.push(`slm n=${n}: ${reopened} member links reopened for a gossip gap`)
    for (const c of fleet.crashes) {
      out.notes.push(`slm n=${n}: ${c.name} exited unasked (code ${c.code}, signal ${c.signal})`)
      log(`${c.name} crashed; its log ends:\n${c.log}`)
    }
    await fleet.stop()
  }
  return out
}

function rows (n: number, ours: Figures, serf: Figures): string[][] {
  const line = (metric: string, a: number | null | undefined, b: number | null | undefined, digits = 1): string[] =>
    [String(n), metric, fmt(a, digits), fmt(b, digits), ratio(a, b)]
  return [
    line('propagation p50 (ms)', ours.propagation?.p50, serf.propagation?.p50),
    line('propagation p99 (ms)', ours.propagation?.p99, serf.propagation?.p99),
    line('propagation max (ms)', ours.propagation?.max, serf.propagation?.max),
    line('detection, first survivor (ms)', ours.detectFirst, serf.detectFirst, 0),
    line('detection, all survivors (ms)', ours.detectAll, serf.detectAll, 0),
    line('RSS per process, mean (MiB)', ours.rssMiB?.mean, serf.rssMiB?.mean),
    line('RSS per process, max (MiB)', ours.rssMiB?.max, serf.rssMiB?.max),
    line('private memory per process, mean (MiB)', ours.anonMiB?.mean, serf.anonMiB?.mean),
    line('idle CPU per process, mean (% core)', ours.cpuPercent?.mean, serf.cpuPercent?.mean, 2),
    line('idle CPU per process, max (% core)', ours.cpuPercent?.max, serf.cpuPercent?.max, 2),
    ...(ours.cpuSettled === null ? [] : [line('idle CPU, settled: mean (% core)', ours.cpuSettled.mean, serf.cpuPercent?.mean, 2), line('idle CPU, settled: max (% core)', ours.cpuSettled.max, serf.cpuPercent?.max, 2)]),
    ...(ours.cpuAfterSoak === null ? [] : [line('idle CPU at the soak\'s end, mean (% core)', ours.cpuAfterSoak.mean, undefined, 2)]),
    ...(ours.falseUnreachable === null ? [] : [line('idle soak: false unreachable (count)', ours.falseUnreachable, undefined, 0)])
  ]
}

export async function run (opts: BenchOptions): Promise<string> {
  const sizes = listFlag(opts.args, 'sizes', opts.quick ? [10] : [10, 30, 50])
  const cfg: Config = {
    events: numberFlag(opts.args, 'events', opts.quick ? 20 : 100),
    idleMs: numberFlag(opts.args, 'idle-ms', opts.quick ? 10_000 : 20_000),
    settleMs: numberFlag(opts.args, 'settle-ms', opts.quick ? 0 : 30_000),
    soakN: numberFlag(opts.args, 'soak-n', 30),
    soakMs: numberFlag(opts.args, 'soak-ms', opts.quick ? 0 : 600_000),
    via: choiceFlag<CommandVia>(opts.args, 'via', ['tui', 'cli'], 'tui')
  }
  const hb = numberFlag(opts.args, 'heartbeat-interval', 0)
  if (hb > 0) cfg.heartbeatIntervalMs = hb
  const haveSlm = existsSync(slmBin()[1])
  console.log(`sizes ${sizes.join(', ')}; ${cfg.events} events each; idle window ${cfg.idleMs / 1000} s` +
    `${cfg.settleMs > 0 ? ` (and another ${cfg.settleMs / 1000} s after it, settled)` : ''}; ` +
    `slm heartbeat ${cfg.heartbeatIntervalMs ?? 'default'} ms, cpu health threshold off; ` +
    `slm commands sent as the ${cfg.via === 'tui' ? 'TUI sends them (a control connection)' : 'CLI sends them (an slm process each)'}; ` +
    `Serf lan profile, user events not coalesced; ${cpus().length} cores`)

  const body: string[][] = []
  const notes: string[] = []
  for (const n of sizes) {
    notes.push(`n=${n}: load average ${load()} before`)
    const serf = await measureSerf(n, cfg).catch((err) => ({ ...empty(), notes: [`serf n=${n}: ${why(err)}`] }))
    const ours = haveSlm
      ? await measureSlm(n, cfg).catch((err) => ({ ...empty(), notes: [`slm n=${n}: ${why(err)}`] }))
      : { ...empty(), notes: [`slm n=${n}: ${slmBin()[1]} not built`] }
    body.push(...rows(n, ours, serf))
    notes.push(...serf.notes, ...ours.notes)
    if (ours.lost > 0) notes.push(`slm n=${n}: ${ours.lost} transitions never reached every node`)
    if (serf.lost > 0) notes.push(`serf n=${n}: ${serf.lost} user events never reached every agent (left out of its figures)`)
    if (ours.propagation !== null) notes.push(`slm n=${n}: ${ours.propagation.n} propagation samples`)
  }
  const report = table(['N', 'metric', 'slm', 'serf', 'slm/serf'], body)
  return notes.length > 0 ? `${report}\n\nnotes:\n${notes.map((s) => `- ${s}`).join('\n')}` : report
}
