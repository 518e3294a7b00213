// The collector as the daemon uses it: start, read latest() from cache, stop.
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { hostname, tmpdir, type CpuInfo } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cpuPercent, createCpuSampler, createHealthCollector, diskPercent, parseOsRelease, type HealthCollector } from '../../../node/health/index.js'
import { createProbe } from '../../../node/health/probe.js'
import { defaultRoles } from '../../../node/roles/index.js'
import type { RoleDefinition } from '../../../protocol/types.js'

describe('a started collector', () => {
  let stateDir: string
  let health: HealthCollector
  let server: Server
  let port: number
  const errors: string[] = []

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'slm-collector-'))
    server = createServer((s) => { s.end() })
    await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
    port = (server.address() as AddressInfo).port
    const checked: RoleDefinition = { ...defaultRoles()[0], name: 'probe-me', systemdServices: [], healthChecks: [{ kind: 'tcp', port }], ports: [] }
    health = createHealthCollector({
      stateDir,
      roles: () => [checked],
      monitoredServices: ['nginx', 'ssh'],
      sampleIntervalMs: 50,
      checkedRoles: () => ['probe-me'],
      checkIntervalMs: 20,
      // Prove the graceful path whatever this machine has: no systemctl binary at all.
      systemctl: join(stateDir, 'no-systemctl'),
      systemdMarker: stateDir
    }, { onError: (probe, err) => { errors.push(`${probe}: ${String(err)}`) } })
    await health.start()
  })

  afterAll(async () => {
    await health.stop()
    server.close()
    await rm(stateDir, { recursive: true, force: true })
  })

  it('has a populated sample with sane ranges once start() resolves', () => {
    const h = health.latest()
    expect(h.collectedAt).toBeGreaterThan(0)
    expect(h.hostname).toBe(hostname())
    expect(h.os).not.toBe('')
    for (const pct of [h.cpuPercent, h.memoryPercent, h.diskPercent]) {
      expect(pct).toBeGreaterThanOrEqual(0)
      expect(pct).toBeLessThanOrEqual(100)
    }
    expect(h.memoryPercent).toBeGreaterThan(0)
    expect(h.diskPercent).toBeGreaterThan(0)
    expect(h.loadAvg).toHaveLength(3)
    expect(h.uptimeSeconds).toBeGreaterThan(0)
    expect(h.listeningPorts.some(p => p.port === port)).toBe(true)
    expect(errors).toEqual([])
  })

  it('reports monitored units as unknown when systemctl is missing, and says why', () => {
    expect(health.latest().services).toEqual([
      { name: 'nginx', activeState: 'unknown', subState: 'unknown' },
      { name: 'ssh', activeState: 'unknown', subState: 'unknown' }
    ])
    expect(health.diagnostics()).toMatchObject({ systemd: false, systemdReason: 'systemctl is not installed', running: true })
  })

  it('latest() answers synchronously from cache, without a promise, in microseconds', () => {
    const first = health.latest()
    expect(first).not.toBeInstanceOf(Promise)
    const t0 = performance.now()
    for (let i = 0; i < 10_000; i++) health.latest()
    expect((performance.now() - t0) / 10_000).toBeLessThan(0.05) // < 50 µs each, generously
    expect(Object.isFrozen(first)).toBe(true)
  })

  it('keeps sampling on its interval', async () => {
    const before = health.latest().collectedAt
    await expect.poll(() => health.latest().collectedAt, { timeout: 5_000 }).toBeGreaterThan(before)
  })

  it('runs role health checks in the background and publishes them in latest()', async () => {
    await expect.poll(() => health.latest().checks['probe-me']?.ok, { timeout: 5_000 }).toBe(true)
  })
})

describe('before start and after stop', () => {
  it('latest() is the cheap facts with collectedAt 0 before the first sample', () => {
    const h = createHealthCollector({ stateDir: tmpdir(), roles: () => [] }).latest()
    expect(h).toMatchObject({ collectedAt: 0, hostname: hostname(), services: [], listeningPorts: [], checks: {} })
  })

  it('stop() ends sampling; a later start() resumes it', async () => {
    const health = createHealthCollector({ stateDir: tmpdir(), roles: () => [], sampleIntervalMs: 20 })
    await health.start()
    await health.stop()
    const frozen = health.latest().collectedAt
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(health.latest().collectedAt).toBe(frozen)
    await health.start()
    await expect.poll(() => health.latest().collectedAt).toBeGreaterThan(frozen)
    await health.stop()
  })

  it('a forced refresh does not settle for an unforced sample already in flight', async () => {
    let reads = 0
    const health = createHealthCollector({ stateDir: tmpdir(), roles: () => { reads++; return [] } })
    const first = health.refresh()
    const forced = health.refresh({ force: true })
    await Promise.all([first, forced])
    const afterBoth = reads
    // The forced one re-read the roles (TTL ignored) after the first sample, not with it.
    expect(afterBoth).toBeGreaterThan(1)
    expect(await forced).not.toBe(await first)
  })

  it('a roles() that throws is reported and treated as no roles', async () => {
    const seen: string[] = []
    const health = createHealthCollector({ stateDir: tmpdir(), roles: () => { throw new Error('store closed') } }, { onError: (p) => { seen.push(p) } })
    await health.refresh()
    expect(health.detectRoles()).toEqual({})
    expect(seen).toContain('roles')
  })
})

describe('cpu from os.cpus() deltas', () => {
  const info = (user: number, idle: number): CpuInfo => ({ model: 'x', speed: 1, times: { user, nice: 0, sys: 0, idle, irq: 0 } })
  it('is the busy share of the interval', () => {
    expect(cpuPercent({ busy: 100, total: 1000 }, { busy: 350, total: 2000 })).toBe(25)
    expect(cpuPercent({ busy: 5, total: 10 }, { busy: 5, total: 10 })).toBe(0)
  })
  it('samples across all cores, the first against boot', () => {
    const samples = [[info(10, 90), info(30, 70)], [info(60, 140), info(30, 170)]]
    const sampler = createCpuSampler(() => samples.shift()!)
    expect(sampler.sample()).toBe(20) // since boot: 40 busy of 200
    expect(sampler.sample()).toBe(25) // 50 busy of 200 more
  })
})

describe('small parsers', () => {
  it('diskPercent matches df: used / (used + available)', () => {
    expect(diskPercent({ blocks: 1000, bfree: 300, bavail: 250 })).toBe(73.7)
    expect(diskPercent({ blocks: 0n, bfree: 0n, bavail: 0n })).toBe(0)
  })
  it('parseOsRelease takes PRETTY_NAME, quoted or not', () => {
    expect(parseOsRelease('NAME="Debian"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')).toBe('Debian GNU/Linux 12 (bookworm)')
    expect(parseOsRelease('PRETTY_NAME=Alpine\n')).toBe('Alpine')
    expect(parseOsRelease('NAME=x\n')).toBeUndefined()
  })
})

describe('cached probes', () => {
  it('refetch only after the TTL, share one in-flight call, and keep the last value on failure', async () => {
    let clock = 1_000
    let calls = 0
    let fail = false
    const probe = createProbe(async () => {
      calls++
      if (fail) throw new Error('boom')
      return calls
    }, { name: 't', ttlMs: 100, initial: 0, now: () => clock })
    expect(await Promise.all([probe.get(), probe.get()])).toEqual([1, 1])
    expect(await probe.get()).toBe(1)
    clock += 100
    expect(await probe.get()).toBe(2)
    expect(await probe.get(true)).toBe(3)
    fail = true
    clock += 100
    expect(await probe.get()).toBe(3)
    expect(calls).toBe(4)
    expect(await probe.get()).toBe(3) // failure waits a TTL too
    expect(calls).toBe(4)
  })
})
