/**
 * Issue 5's benchmark: distribute one commit of a repo with ~50 MB of history to N nodes.
 *
 * A fleet of N + 1 daemons on 127.0.0.1: n1 holds the code-source role (the only node with the
 * repo), the role is assigned to the other N, and `slm code sync` sets the commit. Every receiver
 * fetches the commit as a snapshot bundle (the commit and its tree, not the history) over
 * /slm/code/1.0.0 from n1 or from a peer that already has it. The repo is generated in a temp
 * dir: incompressible random blobs over many commits, so the history really is ~50 MB, then
 * packed as `git gc` would; `--tip-mb` sets how much of it the tip's tree holds (what ships).
 *
 * - time: from n1 storing the desired commit (its own `receivedAt`) to the last receiver's
 *   `applied` report (that receiver's own HLC), one host and one clock: CLI start-up and polling
 *   are not in the figure.
 * - bytes: what n1 uploaded against what all nodes fetched (each daemon's own counters).
 * - targets (issue 5): n1 uploads at most 3x the bundle whatever N; N = 10 within 2x of N = 1.
 *
 * Flags: --code-nodes 1,10  --history-mb 50  --commits 50  --tip-mb 1
 */
import { randomBytes } from 'node:crypto'
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { hlcMs } from '../../protocol/hlc.js'
import type { NodeEvent } from '../../protocol/types.js'
import { listFlag, numberFlag, type BenchOptions } from '../helpers/bench.js'
import { startFleet, type Fleet } from '../helpers/fleet.js'
import type { Change } from '../helpers/follow.js'
import { admitAll, converge } from '../helpers/measure.js'
import { mapLimit } from '../helpers/procs.js'
import { clockTicks, cpuTicksSplit } from '../helpers/proc-stats.js'
import { fmt, table } from '../helpers/report.js'
import { SlmCliError } from '../helpers/slm.js'
import { sleep, waitFor } from '../helpers/wait.js'
import { createBundle } from '../../node/code/git.js'
import { commit, git, makeRepo, tempDir } from '../node/code/fixture.js'

interface Figures {
  n: number
  ms: number | null
  /** Bytes n1 uploaded. */
  holderBytes: number
  /** Bytes every node fetched, summed. */
  totalBytes: number
  /** Bundles n1 served, and the most any other node served. */
  holderUploads: number
  maxPeerUploads: number
  /** Seconds after the sync at which each receiver applied it, ascending. */
  appliedAt: number[]
  /** CPU seconds the daemons and their git children used from the sync to the last apply. */
  cpuS: number | null
  /** Of which the daemons' children (git, tar, probes). */
  childCpuS: number | null
  /** CPU seconds per second the idle fleet uses (all daemons together), measured before the sync. */
  idleCpuPerS: number | null
  /** Share of the host's CPU busy over the same window (anything running, not only slm). */
  hostBusy: number | null
  notes: string[]
}

/** CPU seconds of `pid`, its own and its reaped children's (git), or null once it is gone. */
function cpuSeconds (pid: number): { self: number, children: number } | null {
  const t = cpuTicksSplit(pid)
  return t === null ? null : { self: t.self / clockTicks(), children: t.children / clockTicks() }
}

/** Summed CPU seconds from `a` to `b` over the same pids; null if any process went away. */
function cpuDelta (a: ReturnType<typeof cpuSeconds>[], b: ReturnType<typeof cpuSeconds>[]): { self: number, children: number } | null {
  if (!a.every(c => c !== null) || !b.every(c => c !== null)) return null
  return a.reduce((sum, c, i) => ({ self: sum.self + b[i]!.self - c!.self, children: sum.children + b[i]!.children - c!.children }), { self: 0, children: 0 })
}

/** Busy and total jiffies of the whole host, from /proc/stat. */
function hostTicks (): { busy: number, total: number } | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
    const total = cpu.reduce((a, b) => a + b, 0)
    return { busy: total - cpu[3] - (cpu[4] ?? 0), total }
  } catch {
    return null
  }
}

const MiB = 1024 * 1024
const IDLE_MS = 5000
const log = (s: string): void => { console.log(`  ${new Date().toISOString().slice(11, 19)} ${s}`) }
const why = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 200)
// Thresholds off (N daemons saturate two cores; `degraded` would not change the transfer), and a
// remediation command that needs no systemd.
const CONFIG = { thresholds: { cpu: 0, memory: 0, disk: 0 }, remediation: { restartCommand: 'true', maxPerHour: 3 } }

/**
 * A repo whose history holds `mb` MiB of random blobs over `commits` commits, the tip's tree
 * `tipMb` of them: each commit rewrites a slice of the data files (history grows, the tree does
 * not); the tip changes app/.
 */
async function generateRepo (mb: number, commits: number, tipMb: number): Promise<{ repo: string, sha: string, bundleBytes: number, historyBytes: number }> {
  const repo = makeRepo()
  const files = Math.max(1, Math.round(tipMb))
  const fileBytes = Math.max(1, Math.round(tipMb * MiB / files))
  // The first commit writes the whole tree; the others rewrite files in turn until `mb` is spent.
  commit(repo, Object.fromEntries(Array.from({ length: files }, (_, f) => [`data/blob-${f}.bin`, randomBytes(fileBytes)])), 'data 0')
  const rewrites = Math.max(0, Math.round((mb - tipMb) * MiB / fileBytes))
  const perCommit = Math.max(1, Math.ceil(rewrites / Math.max(1, commits - 1)))
  for (let done = 0, i = 1; done < rewrites; i++) {
    const batch = Math.min(perCommit, rewrites - done)
    commit(repo, Object.fromEntries(Array.from({ length: batch }, (_, k) => [`data/blob-${(done + k) % files}.bin`, randomBytes(fileBytes)])), `data ${i}`)
    done += batch
  }
  const sha = commit(repo, { 'app/version.txt': 'bench\n' }, 'app: bench')
  // Packed, as a real repo with this much history is (git gc): the holder's bundle reuses the
  // pack instead of deflating and delta-searching loose objects, which is not what we measure.
  git(repo, ['repack', '-a', '-d', '-q'])
  const historyBytes = Number(/size-pack: (\d+)/.exec(git(repo, ['count-objects', '-v']))?.[1] ?? 0) * 1024
  // The bundle a node fetches, made as the daemon makes it.
  const out = join(tempDir(), 'size.bundle')
  await createBundle(repo, sha, out)
  const bundleBytes = statSync(out).size
  rmSync(out)
  return { repo, sha, bundleBytes, historyBytes }
}

async function cli (fleet: Fleet, args: string[], timeoutMs = 120_000): Promise<void> {
  const r = await fleet.slm([...args, '--key', fleet.operatorKey], { dir: 'n1', timeoutMs })
  if (r.code !== 0) throw new SlmCliError(args, r)
}

async function measure (n: number, repo: string, sha: string): Promise<Figures> {
  const out: Figures = { n, ms: null, holderBytes: 0, totalBytes: 0, holderUploads: 0, maxPeerUploads: 0, appliedAt: [], cpuS: null, childCpuS: null, idleCpuPerS: null, hostBusy: null, notes: [] }
  log(`n=${n}: starting ${n + 1} daemons`)
  const fleet = await startFleet({
    n: n + 1, config: CONFIG, startConcurrency: 4, readyTimeoutMs: 120_000,
    codeSourceRepo: (_name, i) => i === 0 ? repo : undefined
  })
  const receivers = fleet.nodes.slice(1).map(x => x.name)
  try {
    await converge(fleet)
    await admitAll(fleet)
    const holder = fleet.node('n1').nodeId
    await waitFor(async () => (await fleet.status('n1')).codeSource?.holder === holder, { timeoutMs: 60_000, intervalMs: 500, what: 'n1 to hold the code-source role' })
    const roleFile = join(fleet.root, 'bench.yaml')
    writeFileSync(roleFile, 'name: bench\nsource_paths: [app]\ntarget_path: roles/bench\n')
    await cli(fleet, ['role', 'define', roleFile, '--wait', '60'])
    await cli(fleet, ['role', 'assign', 'bench', ...receivers, '--wait', '60'])
    await waitFor(async () => (await fleet.nodesOf('n1')).filter((x: any) => x.roles.includes('bench')).length === n,
      { timeoutMs: 60_000, intervalMs: 500, what: 'the role assigned' })

    // n1's change feed: when it stored the desired commit, and every receiver's applied report.
    let syncedAt: number | null = null
    const applied = new Map<string, number>()
    const byId = new Map(fleet.nodes.map(x => [x.nodeId, x.name]))
    const follower = fleet.follow('n1', (c: Change) => {
      if (c.kind === 'register' && c.key === 'desired/bench' && syncedAt === null) syncedAt = c.receivedAt
      const e = c.event as NodeEvent | undefined
      if (c.kind === 'event' && e?.type === 'code_report' && e.body.sha === sha && e.body.status === 'applied') {
        const name = byId.get(e.origin)
        if (name !== undefined && !applied.has(name)) applied.set(name, hlcMs(e.hlc))
      }
    }, { heartbeats: true, skipKinds: ['heartbeat', 'liveness'] })
    try {
      await follower.ready()
      log(`n=${n}: code sync`)
      const pids = fleet.nodes.map(x => x.pid)
      // The fleet's own idle CPU (heartbeats, gossip, health) over a quiet window, to tell the
      // transfer's cost apart from what N daemons cost anyway.
      const idle0 = pids.map(cpuSeconds)
      const idleStart = Date.now()
      await sleep(IDLE_MS)
      const idle = cpuDelta(idle0, pids.map(cpuSeconds))
      if (idle !== null) out.idleCpuPerS = (idle.self + idle.children) / ((Date.now() - idleStart) / 1000)
      const cpu0 = pids.map(cpuSeconds)
      const host0 = hostTicks()
      await cli(fleet, ['code', 'sync', '--role', 'bench', '--commit', sha])
      await waitFor(() => applied.size === n && syncedAt !== null, { timeoutMs: 15 * 60_000, intervalMs: 200, what: `all ${n} receivers to apply the commit` })
      const cpu1 = pids.map(cpuSeconds)
      const host1 = hostTicks()
      const used = cpuDelta(cpu0, cpu1)
      if (used !== null) { out.cpuS = used.self + used.children; out.childCpuS = used.children }
      if (host0 !== null && host1 !== null && host1.total > host0.total) out.hostBusy = (host1.busy - host0.busy) / (host1.total - host0.total)
      out.ms = Math.max(...applied.values()) - syncedAt!
      out.appliedAt = [...applied.values()].map(t => (t - syncedAt!) / 1000).sort((a, b) => a - b)
    } finally {
      await follower.stop()
    }
    const stats = await mapLimit(fleet.nodes, 2, async (x) => ({ name: x.name, t: (await fleet.status(x.name)).codeTransfer }))
    for (const { name, t } of stats) {
      if (t == null) { out.notes.push(`n=${n}: ${name} reports no transfer figures`); continue }
      out.totalBytes += t.fetchedBytes
      if (name === 'n1') {
        out.holderBytes = t.servedBytes
        out.holderUploads = t.served
      } else {
        out.maxPeerUploads = Math.max(out.maxPeerUploads, t.served)
      }
    }
  } catch (err) {
    out.notes.push(`n=${n}: ${why(err)}`)
    log(`n=${n}: ${err instanceof Error ? err.message : String(err)}`)
  } finally {
    for (const c of fleet.crashes) {
      out.notes.push(`n=${n}: ${c.name} exited unasked (code ${c.code}, signal ${c.signal})`)
      log(`${c.name} crashed; its log ends:\n${c.log}`)
    }
    await fleet.stop()
  }
  return out
}

export async function run (opts: BenchOptions): Promise<string> {
  const sizes = listFlag(opts.args, 'code-nodes', opts.quick ? [1, 4] : [1, 10])
  const mb = numberFlag(opts.args, 'history-mb', opts.quick ? 10 : 50)
  const commits = numberFlag(opts.args, 'commits', 50)
  const tipMb = numberFlag(opts.args, 'tip-mb', 1)
  const genStarted = Date.now()
  const { repo, sha, bundleBytes, historyBytes } = await generateRepo(mb, commits, tipMb)
  console.log(`repo: ${mb} MiB of random blobs over ~${commits + 1} commits (history ${fmt(historyBytes / MiB)} MiB packed), tip tree ${fmt(tipMb)} MiB, snapshot bundle ${fmt(bundleBytes / MiB)} MiB ` +
    `(generated in ${((Date.now() - genStarted) / 1000).toFixed(1)} s); receivers ${sizes.join(', ')}; ${cpus().length} cores, load ${loadavg().map(l => l.toFixed(1)).join(' ')}`)
  const results: Figures[] = []
  try {
    for (const n of sizes) results.push(await measure(n, repo, sha))
  } finally {
    rmSync(repo, { recursive: true, force: true })
  }

  const cores = cpus().length
  const body = results.map(r => [
    String(r.n),
    r.ms === null ? '-' : fmt(r.ms / 1000, 2),
    fmt(r.holderBytes / MiB),
    fmt(r.holderBytes / bundleBytes, 2),
    String(r.holderUploads),
    String(r.maxPeerUploads),
    fmt(r.totalBytes / MiB),
    fmt(r.totalBytes / bundleBytes, 2),
    r.cpuS === null ? '-' : fmt(r.cpuS, 1),
    r.childCpuS === null ? '-' : fmt(r.childCpuS, 1),
    r.cpuS === null || r.idleCpuPerS === null || r.ms === null ? '-' : fmt(r.cpuS - r.idleCpuPerS * r.ms / 1000, 1),
    r.cpuS === null ? '-' : fmt(r.cpuS / cores, 1),
    r.hostBusy === null ? '-' : `${Math.round(r.hostBusy * 100)}%`
  ])
  const notes = results.flatMap(r => r.notes)
  const verdicts: string[] = []
  for (const r of results) {
    if (r.ms === null) continue
    const x = r.holderBytes / bundleBytes
    verdicts.push(`n=${r.n}: holder uploaded ${fmt(x, 2)}x the bundle (target <= 3x): ${x <= 3 ? 'MET' : 'NOT MET'}`)
  }
  const one = results.find(r => r.n === 1)
  for (const r of results.filter(r => r.n > 1)) {
    if (one?.ms == null || r.ms === null) continue
    const x = r.ms / one.ms
    verdicts.push(`n=${r.n}: ${fmt(x, 2)}x the time of n=1 (target <= 2x): ${x <= 2 ? 'MET' : 'NOT MET'}`)
  }
  const report = table(['N', 'time to all (s)', 'holder up (MiB)', 'holder/bundle', 'holder uploads', 'max peer uploads', 'all fetched (MiB)', 'fetched/bundle', 'daemon CPU (s)', 'children (s)', 'less idle (s)', 'CPU / cores (s)', 'host busy'], body)
  const timelines = results.filter(r => r.appliedAt.length > 0).map(r => `n=${r.n}: applied at ${r.appliedAt.map(t => t.toFixed(1)).join(', ')} s`)
  const explain = [
    'daemon CPU: every daemon\'s CPU time and its children\'s (git, tar, probes; also shown apart), from the sync to the',
    `last apply; less idle: minus what the same daemons use idle over that time (measured for ${IDLE_MS / 1000} s before the`,
    `sync); CPU / cores is the least wall time that work can take on this ${cores}-core host with every node on it (each real`,
    'node has its own CPU). Host busy counts everything on the host, other users included: a busy host makes the times',
    'meaningless.'
  ]
  return [report, '', ...explain, '', 'timeline:', ...timelines.map(t => `- ${t}`), '', 'targets:', ...verdicts.map(v => `- ${v}`),
    ...(notes.length > 0 ? ['', 'notes:', ...notes.map(s => `- ${s}`)] : [])].join('\n')
}
