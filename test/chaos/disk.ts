/**
 * Scenario 5, disk trouble: one daemon's state dir moves onto a small tmpfs, which is then filled
 * to the last byte while commands keep arriving for that node (through its own control socket and
 * through gossip and anti-entropy from the others). The daemon must keep running, report the
 * error, keep answering reads (`slm status`, `slm nodes`), refuse writes with a clean error, and
 * resume once space returns: it catches up on what it missed, and nothing it held before is lost
 * (checked again after a kill -9 and restart). Needs root (mount); without it the scenario is
 * reported as skipped with the reason.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readdirSync, renameSync, rmSync, statfsSync, symlinkSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sleep } from '../helpers/index.js'
import { admitEveryone, startChaosFleet, stopChaosFleet, waitMembership, type ChaosFleet } from './fleet-setup.js'
import { appliedPairs, checkReplicas, describeCheck, digestSpread, lostCount, waitDigestsEqual } from './invariants.js'
import { toNodes, type Submitted } from './operator.js'
import { newResult, type ChaosOptions, type ScenarioResult } from './types.js'

export interface DiskOptions {
  n: number
  /** tmpfs size. */
  sizeMiB: number
  /** How long to keep writing into the full disk. */
  fullMs: number
}

function mount (dir: string, sizeMiB: number): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0700`, 'tmpfs', dir], { stdio: 'pipe' })
}

function unmount (dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' })
  } catch {
    // Busy (a process still holds a file): detach it now, the kernel frees it when released.
    try { execFileSync('umount', ['-l', dir], { stdio: 'pipe' }) } catch {}
  }
}

/** Fills the filesystem at `dir` to the last byte; returns the bytes written. */
function fill (dir: string): number {
  const fd = openSync(join(dir, 'filler'), 'a')
  let written = 0
  try {
    for (const size of [1 << 20, 1 << 12, 1]) {
      const buf = Buffer.alloc(size, 0x5a)
      for (let i = 0; i < 1_000_000; i++) {
        try { written += writeSync(fd, buf) } catch { break }
      }
    }
  } finally {
    closeSync(fd)
  }
  return written
}

/** Why this box cannot run the scenario, or null when it can. */
function cannotMount (probeDir: string): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`
  if (process.getuid?.() !== 0) return 'not root: mounting a tmpfs needs CAP_SYS_ADMIN'
  try {
    mkdirSync(probeDir, { recursive: true })
    mount(probeDir, 1)
    unmount(probeDir)
    return null
  } catch (err: any) {
    return `mount -t tmpfs failed: ${String(err?.stderr ?? err?.message ?? err).trim().slice(0, 200)}`
  } finally {
    rmSync(probeDir, { recursive: true, force: true })
  }
}

export async function diskTrouble (opts: ChaosOptions, o: Partial<DiskOptions> = {}): Promise<ScenarioResult> {
  const cfg: DiskOptions = { n: 3, sizeMiB: 32, fullMs: opts.quick ? 10_000 : 30_000, ...o }
  const res = newResult('disk trouble')
  res.load = `${cfg.n} nodes, n2's state dir on a ${cfg.sizeMiB} MiB tmpfs, filled for ${cfg.fullMs / 1000} s`
  const t0 = Date.now()
  let cf: ChaosFleet | undefined
  let mounted: string | undefined
  try {
    const why = cannotMount(mkdtempSync(join(tmpdir(), 'slm-mount-probe-')))
    if (why !== null) {
      res.skipped = why
      return res
    }
    cf = await startChaosFleet({ n: cfg.n, heartbeatIntervalMs: 1000 })
    const { fleet, controls, operator } = cf
    if (await waitMembership(cf, 120_000) === null) res.failures.push('membership did not converge')
    if (!(await admitEveryone(cf))) res.failures.push('not every node came online after admit')
    const victim = fleet.nodes[1]
    const other = fleet.nodes[0]

    // Before: commands for the victim, acknowledged and applied everywhere.
    for (let i = 0; i < 20; i++) await operator.send(i % 2 === 0 ? victim.name : other.name, 'tag_add', toNodes(victim.nodeId), { tag: `before${i}` })
    if (await waitDigestsEqual(controls, 60_000) === null) res.failures.push(`digests differ before the disk trouble: ${await digestSpread(controls)}`)
    const appliedBefore = await appliedPairs(controls, victim.name)

    // Move the victim's state dir onto the tmpfs (its log stays on the real disk, as under systemd
    // where it goes to the journal).
    controls.drop(victim.name)
    await fleet.kill(victim.name, 'SIGTERM')
    const orig = `${victim.dir}.orig`
    renameSync(victim.dir, orig)
    mkdirSync(victim.dir)
    mount(victim.dir, cfg.sizeMiB)
    mounted = victim.dir
    for (const f of readdirSync(orig)) {
      if (f === 'daemon.log' || f === 'control.sock') continue
      cpSync(join(orig, f), join(victim.dir, f), { recursive: true, preserveTimestamps: true })
    }
    symlinkSync(join(orig, 'daemon.log'), join(victim.dir, 'daemon.log'))
    await fleet.start(victim.name)
    const digestBefore = (await controls.status(victim.name)).replicaDigest
    opts.log(`disk: ${victim.name} runs on a ${cfg.sizeMiB} MiB tmpfs`)

    // Full: every byte taken; writes keep coming for the victim from both paths.
    const filled = fill(victim.dir)
    const free = statfsSync(victim.dir)
    res.faults = `tmpfs filled (${Math.round(filled / 1024)} KiB filler, ${free.bavail * free.bsize} bytes left)`
    const during: Submitted[] = []
    const viaOthers: Submitted[] = []
    let reads = 0
    let readFailures = 0
    const errors = new Map<string, number>()
    const fullUntil = Date.now() + cfg.fullMs
    for (let i = 0; Date.now() < fullUntil && i < 100_000; i++) {
      const local = await operator.send(victim.name, 'tag_add', toNodes(victim.nodeId), { tag: `full${i}` })
      during.push(local)
      if (!local.ok) errors.set(local.code ?? '?', (errors.get(local.code ?? '?') ?? 0) + 1)
      viaOthers.push(await operator.send(other.name, 'tag_add', toNodes(victim.nodeId), { tag: `gossiped${i}` }))
      // Reads through the CLI, as an operator would.
      if (i % 5 === 0) {
        reads += 2
        try { await fleet.status(victim.name) } catch { readFailures++ }
        try { await fleet.nodesOf(victim.name) } catch { readFailures++ }
      }
      await sleep(200)
    }
    const refused = during.filter((s) => !s.ok).length
    res.hostile = 0
    res.notes.push(`while full: ${during.length} local submits, ${refused} refused (${[...errors].map(([k, v]) => `${k}=${v}`).join(' ') || 'none'}); ${viaOthers.filter((s) => s.ok).length} more through n1 for gossip`)
    res.notes.push(`reads while full (slm status, slm nodes): ${reads - readFailures}/${reads} answered`)
    if (readFailures > 0) res.failures.push(`${readFailures} of ${reads} reads failed while the disk was full`)
    if (refused === 0) res.failures.push('no write was refused while the disk was full: the filler did not fill it')
    if (during.some((s) => !s.ok && !/^ERR_/.test(s.code ?? ''))) res.failures.push(`a refusal was not a clean error code: ${during.find((s) => !s.ok && !/^ERR_/.test(s.code ?? ''))?.code ?? ''}`)
    const st = await controls.status(victim.name).catch(() => null)
    if (st === null) res.failures.push(`${victim.name} does not answer status while full`)
    else if (st.storeError == null) res.failures.push(`${victim.name}'s status does not report the write error`)
    else res.notes.push(`status while full reports: ${JSON.stringify(st.storeError).slice(0, 200)}`)
    for (const c of fleet.crashes) res.failures.push(`${c.name} exited unasked (code ${c.code}, signal ${c.signal}): ${c.log.split('\n').slice(-3).join(' | ')}`)

    // Space returns: writes resume, the victim catches up on what it missed, nothing is lost.
    rmSync(join(victim.dir, 'filler'))
    const freedAt = Date.now()
    let resumed: Submitted | undefined
    for (let i = 0; i < 60 && (resumed === undefined || !resumed.ok); i++) {
      resumed = await operator.send(victim.name, 'tag_add', toNodes(victim.nodeId), { tag: `after${i}` })
      if (!resumed.ok) await sleep(500)
    }
    if (resumed?.ok !== true) res.failures.push(`writes did not resume after space returned: ${resumed?.code ?? ''}`)
    else res.notes.push(`first write accepted ${Date.now() - freedAt} ms after space returned`)
    const stAfter = await controls.status(victim.name).catch(() => null)
    if (stAfter?.storeError != null) res.failures.push(`status still reports a store error after a successful write: ${JSON.stringify(stAfter.storeError)}`)
    res.convergeMs = await waitDigestsEqual(controls, 120_000)
    if (res.convergeMs === null) res.failures.push(`digests differ 120 s after space returned: ${await digestSpread(controls)}`)
    if (digestBefore === (await controls.status(victim.name)).replicaDigest) res.failures.push('the victim did not change at all: the test wrote nothing')

    // Durable: kill -9 and reopen, then every acknowledged command must be answered everywhere.
    controls.drop(victim.name)
    await fleet.kill(victim.name, 'SIGKILL')
    try { await fleet.start(victim.name) } catch (err) { res.failures.push(`${victim.name}'s store did not reopen after the disk trouble: ${String(err).slice(0, 300)}`) }
    if (await waitDigestsEqual(controls, 120_000) === null) res.failures.push(`digests differ after the restart: ${await digestSpread(controls)}`)
    const check = await checkReplicas(fleet, controls, operator, appliedBefore)
    res.lost = lostCount(check)
    res.failures.push(...describeCheck(check))
    for (const c of fleet.crashes) if (!res.failures.some((f) => f.startsWith(c.name))) res.failures.push(`${c.name} exited unasked (code ${c.code}, signal ${c.signal})`)
    res.notes.push(`${operator.acknowledged().length} commands acknowledged in all; ${appliedBefore.size} applied before the disk filled, all still there: ${check.vanished.length === 0}`)
  } catch (err) {
    res.failures.push(`scenario aborted: ${String((err as Error)?.stack ?? err).slice(0, 600)}`)
  } finally {
    if (mounted !== undefined) {
      // The daemon first (it holds files on the tmpfs), then the mount, then the fleet's temp root.
      const victim = cf?.fleet.nodes.find((n) => n.dir === mounted)
      if (victim !== undefined) await cf?.fleet.kill(victim.name, 'SIGKILL')
      unmount(mounted)
      if (existsSync(`${mounted}.orig`) && process.env.SLM_KEEP_FLEET === undefined) rmSync(`${mounted}.orig`, { recursive: true, force: true })
    }
    await stopChaosFleet(cf)
    res.elapsedMs = Date.now() - t0
  }
  return res
}
