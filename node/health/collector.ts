/**
 * The health collector: samples this host every `sampleIntervalMs` into one cached `Health`, so
 * the heartbeat and the control API read it in microseconds and never wait on a probe.
 * Cheap facts (cpu, memory, load, uptime) are read every tick; probes that fork or touch the
 * disk (systemctl, ss, statfs, role paths) have their own TTLs; role health checks run in the
 * background and land in the next `latest()`.
 */
import { hostname, loadavg, release, type, uptime } from 'node:os'
import type { DetectedRole, Health, RoleDefinition } from '../../protocol/types.js'
import { runRoleChecks, type CheckResult } from './checks.js'
import * as C from './constants.js'
import { createCpuSampler } from './cpu.js'
import { detectRoles, probeRoleFiles, type RoleFiles } from './detect.js'
import { listListeningPorts, type PortsMemo, type PortsSnapshot } from './ports.js'
import { createProbe } from './probe.js'
import { diskUsage, memoryPercent, osDescription } from './system.js'
import { querySystemd, type SystemdSnapshot } from './systemd.js'
import type { HealthCollector, HealthComponents, HealthDiagnostics, HealthInit } from './types.js'

/** Shorter cpu windows than this are noise: a forced refresh reuses the last cpu figure. */
const MIN_CPU_WINDOW_MS = 500

const round1 = (n: number): number => Math.round(n * 10) / 10

export function createHealthCollector (init: HealthInit, components: HealthComponents = {}): HealthCollector {
  const stateDir = init.stateDir
  const intervalMs = init.sampleIntervalMs ?? C.DEFAULT_SAMPLE_INTERVAL_MS
  const timeoutMs = init.commandTimeoutMs ?? C.DEFAULT_COMMAND_TIMEOUT_MS
  const checkIntervalMs = init.checkIntervalMs ?? C.DEFAULT_CHECK_INTERVAL_MS
  const onError = components.onError
  let abort = new AbortController()
  const roles = (): readonly RoleDefinition[] => {
    try { return init.roles() } catch (err) { onError?.('roles', err); return [] }
  }

  const units = (): string[] => [...new Set([...(init.monitoredServices ?? []), ...roles().flatMap(r => r.systemdServices)])]
  const systemd = createProbe<SystemdSnapshot>(async () => await querySystemd(units(), {
    timeoutMs, signal: abort.signal, systemctl: init.systemctl, bootedMarker: init.systemdMarker
  }), { name: 'systemd', ttlMs: init.systemdTtlMs ?? C.DEFAULT_SYSTEMD_TTL_MS, initial: { available: false, services: [] }, onError })
  const portsMemo: { current?: PortsMemo } = {}
  const ports = createProbe<PortsSnapshot>(async () => await listListeningPorts({
    timeoutMs, signal: abort.signal, ss: init.ss, procNet: init.procNet
  }, portsMemo), { name: 'ports', ttlMs: init.portsTtlMs ?? C.DEFAULT_PORTS_TTL_MS, initial: { source: 'none', ports: [] }, onError })
  const files = createProbe<Map<string, RoleFiles>>(async () => await probeRoleFiles(roles(), stateDir),
    { name: 'roles', ttlMs: init.rolesTtlMs ?? C.DEFAULT_ROLES_TTL_MS, initial: new Map(), onError })
  const disk = createProbe(async () => await diskUsage(init.diskPath ?? C.DEFAULT_DISK_PATH),
    { name: 'disk', ttlMs: init.diskTtlMs ?? C.DEFAULT_DISK_TTL_MS, initial: 0, onError })
  const osName = createProbe(osDescription, { name: 'os', ttlMs: Infinity, initial: `${type()} ${release()}`, onError })

  const cpu = createCpuSampler()
  let cpuPct = 0
  let cpuAt = 0
  let checks: Record<string, CheckResult> = {}
  let checksAt = 0
  let checking: Promise<void> | undefined
  let detected: Record<string, DetectedRole> = {}
  let versions: Record<string, string> = {}
  let sampleMs = 0
  let current: Health = Object.freeze({
    hostname: hostname(),
    os: osName.peek(),
    cpuPercent: 0,
    memoryPercent: memoryPercent(),
    diskPercent: 0,
    loadAvg: loadavg() as [number, number, number],
    uptimeSeconds: Math.round(uptime()),
    services: [],
    listeningPorts: [],
    checks: {},
    collectedAt: 0
  })
  let running = false
  let timer: NodeJS.Timeout | undefined
  let sampling: Promise<Health> | undefined
  /** Which cached probes the sample in flight re-reads: none, the role files, or all. */
  let samplingForced: boolean | 'files' = false

  /** Role checks off the sampling path: a slow command check must not delay the heartbeat. */
  function kickChecks (defs: readonly RoleDefinition[]): void {
    if (!running || checkIntervalMs <= 0 || checking != null || Date.now() - checksAt < checkIntervalMs) return
    const wanted = init.checkedRoles?.()
    // By default, check what is installed here: a role that is not cannot be healthy or not.
    const chosen = defs.filter(r => wanted != null ? wanted.includes(r.name) : detected[r.name]?.pathExists === true)
    checking = runRoleChecks(chosen, { timeoutMs: init.checkTimeoutMs ?? C.DEFAULT_CHECK_TIMEOUT_MS, cwd: stateDir })
      .then((results) => {
        checks = results
        current = Object.freeze({ ...current, checks })
      }, (err) => { onError?.('checks', err) })
      .finally(() => { checksAt = Date.now(); checking = undefined })
  }

  async function sample (force: boolean | 'files'): Promise<Health> {
    const started = performance.now()
    const defs = roles()
    const all = force === true
    const [diskPct, sd, open, roleFiles] = await Promise.all([disk.get(all), systemd.get(all), ports.get(all), files.get(force !== false)])
    await osName.get()
    const now = Date.now()
    if (cpuAt === 0 || now - cpuAt >= MIN_CPU_WINDOW_MS) {
      cpuPct = cpu.sample()
      cpuAt = now
    }
    detected = detectRoles(defs, roleFiles, sd.services, open.ports)
    const v: Record<string, string> = {}
    for (const [name, f] of roleFiles) if (f.version != null) v[name] = f.version
    versions = v
    current = Object.freeze({
      hostname: hostname(),
      os: osName.peek(),
      cpuPercent: round1(cpuPct),
      memoryPercent: memoryPercent(),
      diskPercent: diskPct,
      loadAvg: loadavg().map(round2) as [number, number, number],
      uptimeSeconds: Math.round(uptime()),
      services: sd.services,
      listeningPorts: open.ports,
      checks,
      collectedAt: now
    })
    sampleMs = performance.now() - started
    kickChecks(defs)
    return current
  }

  /** How much a sample re-reads: nothing cached, the role files, or every probe. */
  const forceRank = (f: boolean | 'files'): number => f === true ? 2 : f === 'files' ? 1 : 0

  function refresh (opts: { force?: boolean | 'files' } = {}): Promise<Health> {
    const force = opts.force ?? false
    // A forced refresh must not settle for a sample in flight that forced less: it runs after it.
    if (sampling != null && forceRank(force) > forceRank(samplingForced)) return sampling.catch(() => undefined).then(async () => await refresh(opts))
    if (sampling == null) {
      samplingForced = force
      sampling = sample(force).finally(() => { sampling = undefined })
    }
    return sampling
  }

  function schedule (): void {
    if (!running) return
    timer = setTimeout(() => {
      // Per-tick catch (STYLE.md 8): one bad sample must not end the loop.
      refresh().catch((err) => { onError?.('sample', err) }).finally(schedule)
    }, intervalMs)
    timer.unref()
  }

  return {
    async start () {
      if (running) return
      running = true
      if (abort.signal.aborted) abort = new AbortController()
      try { await refresh() } catch (err) { onError?.('sample', err) }
      schedule()
    },
    async stop () {
      running = false
      clearTimeout(timer)
      abort.abort() // in-flight systemctl/ss are killed rather than waited for
      await Promise.allSettled([sampling, checking])
    },
    latest: () => current,
    detectRoles: () => detected,
    versions: () => versions,
    refresh,
    diagnostics (): HealthDiagnostics {
      const sd = systemd.peek()
      const d: HealthDiagnostics = { systemd: sd.available, portsSource: ports.peek().source, lastSampleMs: sampleMs, running }
      if (sd.reason != null) d.systemdReason = sd.reason
      return d
    }
  }
}

function round2 (n: number): number {
  return Math.round(n * 100) / 100
}
