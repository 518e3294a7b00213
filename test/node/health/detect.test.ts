// Role detection (seed 001: path + service + port) and versions, on a real state dir and port.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createHealthCollector, detectRole, readVersion, type HealthCollector } from '../../../node/health/index.js'
import { defaultRoles } from '../../../node/roles/index.js'
import type { RoleDefinition, ServiceState } from '../../../protocol/types.js'

const SHA = '3f2a9c1d0b8e7f6a5c4d3e2f1a0b9c8d7e6f5a4b'
const base = defaultRoles()[0]
function role (name: string, extra: Partial<RoleDefinition> = {}): RoleDefinition {
  return { ...base, name, systemdServices: [], healthChecks: [], ports: [], targetPath: `roles/${name}`, detectPath: undefined, ...extra }
}

describe('detectRole decides per seed 001', () => {
  const files = { path: '/x', pathExists: true }
  const svc = (activeState: string): ServiceState => ({ name: 'web', activeState, subState: '' })
  const cases: Array<{ name: string, exists: boolean, services: ServiceState[], ports: number[], want: string, running: boolean }> = [
    { name: 'path + service + port -> active', exists: true, services: [svc('active')], ports: [8080], want: 'active', running: true },
    { name: 'path + service -> active', exists: true, services: [svc('active')], ports: [], want: 'active', running: true },
    { name: 'path, unit known and stopped -> inactive even if the port is taken', exists: true, services: [svc('inactive')], ports: [8080], want: 'inactive', running: false },
    { name: 'path, no systemd, port listening -> active', exists: true, services: [svc('unknown')], ports: [8080], want: 'active', running: true },
    { name: 'path only -> inactive', exists: true, services: [svc('unknown')], ports: [], want: 'inactive', running: false },
    { name: 'nothing -> not_installed', exists: false, services: [svc('unknown')], ports: [], want: 'not_installed', running: false },
    { name: 'service without path -> not_installed', exists: false, services: [svc('active')], ports: [8080], want: 'not_installed', running: true }
  ]
  for (const c of cases) {
    it(c.name, () => {
      const r = role('web', { systemdServices: ['web'], ports: [8080] })
      const d = detectRole(r, { ...files, pathExists: c.exists }, c.services, c.ports.map(port => ({ port })))
      expect(d.status).toBe(c.want)
      expect(d.serviceRunning).toBe(c.running)
      expect(d.ports).toEqual(c.ports)
      expect(d.service).toBe('web')
    })
  }
})

describe('readVersion', () => {
  let dir: string
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'slm-version-')) })
  afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

  it('reads the sha from a relative current -> releases/<sha> symlink', async () => {
    await mkdir(join(dir, 'releases', SHA), { recursive: true })
    await symlink(join('releases', SHA), join(dir, 'current'))
    expect(await readVersion(dir)).toBe(SHA)
  })

  it('reads an absolute symlink too', async () => {
    await mkdir(join(dir, 'releases', 'abc123'), { recursive: true })
    await symlink(join(dir, 'releases', 'abc123'), join(dir, 'current'))
    expect(await readVersion(dir)).toBe('abc123')
  })

  it('falls back to a VERSION file inside current, then in the target path', async () => {
    await mkdir(join(dir, 'current'))
    await writeFile(join(dir, 'current', 'VERSION'), 'v1.2.3\n')
    expect(await readVersion(dir)).toBe('v1.2.3')
    await rm(join(dir, 'current'), { recursive: true })
    await writeFile(join(dir, 'VERSION'), 'hand-installed\n')
    expect(await readVersion(dir)).toBe('hand-installed')
  })

  it('is undefined when nothing says', async () => {
    expect(await readVersion(join(dir, 'missing'))).toBeUndefined()
  })
})

describe('the collector detects roles on a real state dir', () => {
  let stateDir: string
  let server: Server
  let port: number
  let health: HealthCollector
  const roles: RoleDefinition[] = []

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'slm-detect-'))
    server = createServer()
    await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
    port = (server.address() as AddressInfo).port
    // web: installed, deployed and listening; worker: installed, not running; ghost: nothing.
    await mkdir(join(stateDir, 'roles/web/releases', SHA), { recursive: true })
    await symlink(join('releases', SHA), join(stateDir, 'roles/web/current'))
    await mkdir(join(stateDir, 'roles/worker'), { recursive: true })
    roles.push(
      role('web', { ports: [port], detectPath: 'roles/web/current' }),
      role('worker', { ports: [port + 1 === 65536 ? 1 : port + 1] }),
      role('ghost', { ports: [port] })
    )
    health = createHealthCollector({ stateDir, roles: () => roles, checkIntervalMs: 0 })
    await health.start()
  })

  afterAll(async () => {
    await health.stop()
    server.close()
    await rm(stateDir, { recursive: true, force: true })
  })

  it('active: path exists and a process listens on its port', () => {
    expect(health.detectRoles().web).toMatchObject({ status: 'active', pathExists: true, serviceRunning: true, ports: [port], version: SHA, path: join(stateDir, 'roles/web/current') })
  })

  it('inactive: path only', () => {
    expect(health.detectRoles().worker).toMatchObject({ status: 'inactive', pathExists: true, serviceRunning: false, ports: [] })
  })

  it('not_installed: nothing, even though its port is taken by someone else', () => {
    expect(health.detectRoles().ghost).toMatchObject({ status: 'not_installed', pathExists: false })
  })

  it('versions(): the running sha per deployed role', () => {
    expect(health.versions()).toEqual({ web: SHA })
  })
})

describe('after a deploy: refresh({ force: \'files\' })', () => {
  it('reads the role\'s current release again and leaves the costly probes cached', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'slm-detect-'))
    const server = createServer()
    await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
    const port = (server.address() as AddressInfo).port
    const NEXT = 'a'.repeat(40)
    try {
      for (const sha of [SHA, NEXT]) await mkdir(join(stateDir, 'roles/web/releases', sha), { recursive: true })
      await symlink(join('releases', SHA), join(stateDir, 'roles/web/current'))
      // TTLs far beyond the test: only a forced read can change what the collector holds.
      const long = 3_600_000
      const health = createHealthCollector({ stateDir, roles: () => [role('web', { ports: [port] })], checkIntervalMs: 0, sampleIntervalMs: long, portsTtlMs: long, rolesTtlMs: long, systemdTtlMs: long, diskTtlMs: long })
      await health.start()
      try {
        expect(health.versions()).toEqual({ web: SHA })
        // The deploy swaps current; meanwhile the port closes (a change only a full refresh sees).
        await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
        await rm(join(stateDir, 'roles/web/current'))
        await symlink(join('releases', NEXT), join(stateDir, 'roles/web/current'))
        const after = await health.refresh({ force: 'files' })
        expect(health.versions()).toEqual({ web: NEXT })
        expect(after.listeningPorts.map(p => p.port)).toContain(port)
        const full = await health.refresh({ force: true })
        expect(full.listeningPorts.map(p => p.port)).not.toContain(port)
      } finally {
        await health.stop()
      }
    } finally {
      server.close()
      await rm(stateDir, { recursive: true, force: true })
    }
  })
})
