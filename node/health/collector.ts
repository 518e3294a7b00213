/**
 * The health collector: samples the host on an interval off the hot path and answers `latest()`
 * from its cache in microseconds, so heartbeats never wait on a probe. Slow probes (systemd units,
 * listening ports) have their own longer TTL.
 */
import { existsSync } from 'node:fs'
import { type CpuInfo } from 'node:os'
import type { DetectedRole, Health, ListeningPort, RoleDefinition, ServiceState } from '../../protocol/types.js'
import { resolveTargetPath } from '../roles/index.js'
import { runningSha } from '../code/release.js'
import { DEFAULT_PROBE_TIMEOUT_MS, DEFAULT_SAMPLE_INTERVAL_MS, DEFAULT_SLOW_PROBE_TTL_MS } from './constants.js'
import { basics, cpuPercent, diskPercent, listeningPorts, memoryPercent, osName, services } from './probes.js'

export interface HealthInit {
  stateDir: string
  /** systemd units reported in every heartbeat, besides the roles' own. */
  monitoredServices?: string[]
  /** @default 5000 */
  sampleIntervalMs?: number
  /** @default 30000 */
  slowProbeTtlMs?: number
  /** @default '/' */
  diskPath?: string
  roles: () => RoleDefinition[]
}

export interface HealthCollector {
  start: () => void
  stop: () => void
  /** The cached sample; never waits. */
  latest: () => Health
  detectRoles: () => Record<string, DetectedRole>
  /** Running commit per role, read from each role's own `current` release. */
  versions: () => Record<string, string>
  /** Refreshes now (fast probes always, slow ones when stale). */
  refresh: () => Promise<void>
}

class Collector implements HealthCollector {
  private readonly init: HealthInit
  private health: Health
  private prevCpus: CpuInfo[]
  private services: ServiceState[] = []
  private ports: ListeningPort[] = []
  private slowAt = 0
  private detected: Record<string, DetectedRole> = {}
  private running: Record<string, string> = {}
  private timer?: NodeJS.Timeout
  private busy = false

  constructor (init: HealthInit) {
    this.init = init
    const b = basics()
    this.prevCpus = b.cpus
    this.health = { hostname: b.hostname, os: process.platform, cpuPercent: 0, memoryPercent: 0, diskPercent: 0, loadAvg: b.loadAvg, uptimeSeconds: b.uptimeSeconds, services: [], listeningPorts: [], checks: {}, collectedAt: Date.now() }
  }

  start (): void {
    void osName().then((os) => { this.health.os = os })
    void this.refresh()
    this.timer = setInterval(() => { void this.refresh() }, this.init.sampleIntervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS)
    this.timer.unref()
  }

  stop (): void { clearInterval(this.timer) }
  latest (): Health { return this.health }
  detectRoles (): Record<string, DetectedRole> { return this.detected }
  versions (): Record<string, string> { return this.running }

  async refresh (): Promise<void> {
    if (this.busy) return
    this.busy = true
    try {
      const roles = this.init.roles()
      const b = basics()
      const cpu = cpuPercent(this.prevCpus, b.cpus)
      this.prevCpus = b.cpus
      const [mem, disk] = await Promise.all([memoryPercent().catch(() => 0), diskPercent(this.init.diskPath ?? '/')])
      if (Date.now() - this.slowAt > (this.init.slowProbeTtlMs ?? DEFAULT_SLOW_PROBE_TTL_MS)) {
        const units = [...new Set([...(this.init.monitoredServices ?? []), ...roles.flatMap(r => r.systemdServices)])]
        ;[this.services, this.ports] = await Promise.all([services(units, DEFAULT_PROBE_TIMEOUT_MS), listeningPorts(DEFAULT_PROBE_TIMEOUT_MS)])
        this.slowAt = Date.now()
      }
      const running: Record<string, string> = {}
      for (const r of roles) {
        const sha = await runningSha(resolveTargetPath(r, this.init.stateDir))
        if (sha != null) running[r.name] = sha
      }
      this.running = running
      this.detected = detectRoles(roles, this.init.stateDir, this.services, this.ports, running)
      this.health = { ...this.health, hostname: b.hostname, cpuPercent: cpu, memoryPercent: mem, diskPercent: disk, loadAvg: b.loadAvg, uptimeSeconds: b.uptimeSeconds, services: this.services, listeningPorts: this.ports, collectedAt: Date.now() }
    } finally {
      this.busy = false
    }
  }
}

/** Seed 001: path + service + port -> active / inactive / not_installed. Pure. */
export function detectRoles (roles: readonly RoleDefinition[], stateDir: string, svc: ServiceState[], ports: ListeningPort[], running: Record<string, string>): Record<string, DetectedRole> {
  const out: Record<string, DetectedRole> = {}
  const open = new Set(ports.map(p => p.port))
  for (const r of roles) {
    const path = r.detectPath ?? resolveTargetPath(r, stateDir)
    const pathExists = existsSync(path)
    const states = r.systemdServices.map(n => svc.find(s => s.name === n || s.name === `${n}.service`))
    const serviceRunning = states.length > 0 && states.every(s => s?.activeState === 'active')
    const rolePorts = r.ports.filter(p => open.has(p))
    const listening = r.ports.length > 0 && rolePorts.length === r.ports.length
    const status = pathExists && (serviceRunning || listening) ? 'active' : pathExists ? 'inactive' : 'not_installed'
    out[r.name] = {
      status, pathExists, path, serviceRunning, ports: rolePorts,
      ...(r.systemdServices[0] != null ? { service: r.systemdServices[0] } : {}),
      ...(running[r.name] != null ? { version: running[r.name] } : {})
    }
  }
  return out
}

export function createHealthCollector (init: HealthInit): HealthCollector {
  return new Collector(init)
}
