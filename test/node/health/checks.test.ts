// Role health checks against real sockets and real subprocesses (issue 4, point 6).
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runHealthCheck, runRoleChecks } from '../../../node/health/index.js'
import { defaultRoles } from '../../../node/roles/index.js'
import type { RoleDefinition } from '../../../protocol/types.js'

async function listen<T extends Server | HttpServer> (server: T): Promise<number> {
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  return (server.address() as AddressInfo).port
}

/** A port nothing listens on: bind one, note it, close it. */
async function closedPort (): Promise<number> {
  const s = createServer()
  const port = await listen(s)
  await new Promise<void>((resolve) => { s.close(() => { resolve() }) })
  return port
}

/** Running, not merely unreaped: this sandbox's PID 1 does not reap orphans, so zombies linger. */
function alive (pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

let tcp: Server
let tcpPort: number
let http: HttpServer
let httpPort: number
let tmp: string

beforeAll(async () => {
  tcp = createServer((s) => { s.end() })
  tcpPort = await listen(tcp)
  http = createHttpServer((req, res) => {
    if (req.url === '/ok') { res.writeHead(200).end('fine') }
    else if (req.url === '/fail') { res.writeHead(500).end('broken') }
    else if (req.url === '/created') { res.writeHead(201).end() }
    // '/hang' is accepted and never answered
  })
  httpPort = await listen(http)
  tmp = await mkdtemp(join(tmpdir(), 'slm-checks-'))
})

afterAll(async () => {
  tcp.close()
  http.closeAllConnections()
  http.close()
  await rm(tmp, { recursive: true, force: true })
})

describe('tcp checks', () => {
  it('pass when something accepts on the port', async () => {
    const r = await runHealthCheck({ kind: 'tcp', port: tcpPort })
    expect(r.ok).toBe(true)
    expect(r.detail).toContain(`127.0.0.1:${tcpPort}`)
  })

  it('fail on a closed port, naming the error', async () => {
    const r = await runHealthCheck({ kind: 'tcp', port: await closedPort() })
    expect(r).toMatchObject({ ok: false })
    expect(r.detail).toContain('ECONNREFUSED')
  })
})

describe('http checks', () => {
  it('pass on 200', async () => {
    expect(await runHealthCheck({ kind: 'http', port: httpPort, path: '/ok' })).toMatchObject({ ok: true })
  })

  it('fail on 500, saying what was expected', async () => {
    const r = await runHealthCheck({ kind: 'http', port: httpPort, path: '/fail' })
    expect(r.ok).toBe(false)
    expect(r.detail).toContain('500')
    expect(r.detail).toContain('2xx')
  })

  it('honour expectStatus exactly', async () => {
    expect((await runHealthCheck({ kind: 'http', port: httpPort, path: '/created', expectStatus: 201 })).ok).toBe(true)
    expect((await runHealthCheck({ kind: 'http', port: httpPort, path: '/ok', expectStatus: 201 })).ok).toBe(false)
  })

  it('fail after the timeout when the server never answers', async () => {
    const t0 = Date.now()
    const r = await runHealthCheck({ kind: 'http', port: httpPort, path: '/hang', timeoutMs: 300 })
    expect(r.ok).toBe(false)
    expect(r.detail).toContain('no response within 300 ms')
    expect(Date.now() - t0).toBeLessThan(2_000)
  })

  it('fail on a closed port', async () => {
    expect((await runHealthCheck({ kind: 'http', port: await closedPort(), path: '/' })).ok).toBe(false)
  })
})

describe('command checks', () => {
  it('pass on exit 0 and keep the output tail as detail', async () => {
    expect(await runHealthCheck({ kind: 'command', command: 'echo all good' })).toEqual({ ok: true, detail: 'exit 0: all good' })
  })

  it('fail on exit 1', async () => {
    const r = await runHealthCheck({ kind: 'command', command: 'echo nope >&2; exit 1' })
    expect(r).toEqual({ ok: false, detail: 'exit 1: nope' })
  })

  it('kill the whole process group on timeout', async () => {
    const pids = join(tmp, 'pids')
    // The shell and a background grandchild both record their pids, then hang.
    const command = `echo $$ > ${pids}; sleep 30 & echo $! >> ${pids}; wait`
    const t0 = Date.now()
    const r = await runHealthCheck({ kind: 'command', command, timeoutMs: 300 })
    expect(r.ok).toBe(false)
    expect(r.detail).toContain('timed out after 300 ms')
    expect(Date.now() - t0).toBeLessThan(3_000)
    const [sh, sleeper] = (await readFile(pids, 'utf8')).trim().split('\n').map(Number)
    await expect.poll(() => alive(sh) || alive(sleeper)).toBe(false)
  })

  it('run in the given working directory', async () => {
    expect(await runHealthCheck({ kind: 'command', command: 'pwd' }, { cwd: tmp })).toMatchObject({ ok: true, detail: expect.stringContaining(tmp) })
  })
})

describe('role checks', () => {
  const role = (name: string, healthChecks: RoleDefinition['healthChecks']): RoleDefinition => ({ ...defaultRoles()[0], name, healthChecks })

  it('report per role: ok only when every check passes; no checks is ok', async () => {
    const results = await runRoleChecks([
      role('good', [{ kind: 'tcp', port: tcpPort }, { kind: 'http', port: httpPort, path: '/ok' }]),
      role('bad', [{ kind: 'tcp', port: tcpPort }, { kind: 'command', command: 'exit 3' }]),
      role('none', [])
    ])
    expect(results.good.ok).toBe(true)
    expect(results.bad).toEqual({ ok: false, detail: 'exit 3' })
    expect(results.none.ok).toBe(true)
  })
})
