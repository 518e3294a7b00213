/**
 * Issue 4's automatic lifecycle with real daemons: the install flow with retries, role health
 * checks with remediation and recovery, and maintenance held through health changes (the
 * predecessor's reconciler reset maintenance to online on the next heartbeat).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFleet, type Fleet } from '../helpers/index.js'
import { converge } from '../helpers/measure.js'
import { testConfig } from './test-config.js'

let fleet: Fleet
const work = mkdtempSync(join(tmpdir(), 'slm-lc-'))
const healthy = join(work, 'healthy')

const cli = async (args: string[], on = 'n1'): Promise<{ code: number, stdout: string, stderr: string, json: any }> =>
  await fleet.slm([...args, '--key', fleet.operatorKey], { dir: on })
const state = async (of: string, on = 'n1'): Promise<string> => (await fleet.nodesOf(on)).find((n: any) => n.name === of)?.state
const waitState = async (of: string, want: string, timeoutMs = 30_000): Promise<void> => {
  await fleet.waitFor(async () => (await state(of)) === want, { timeoutMs, intervalMs: 250, what: `${of} ${want}` })
}
const history = async (of: string): Promise<any[]> => (await fleet.slm(['node', 'history', of, '--limit', '200', '--json'], { dir: 'n1' })).json.items

function roleFile (name: string, yaml: string): string {
  const f = join(work, `${name}.yaml`)
  writeFileSync(f, `name: ${name}\ndisplay_name: ${name}\ndescription: test role\nservice_type: stateless\nsource_paths: [${name}]\ntarget_path: roles/${name}\n${yaml}`)
  return f
}

beforeAll(async () => {
  writeFileSync(healthy, 'ok')
  // Remediation "restarts" by putting the marker back, so recovery is observable.
  const base = testConfig({ remediation: { restartCommand: `touch ${healthy}; true`, maxPerHour: 3 } })
  fleet = await startFleet({ n: 3, heartbeatIntervalMs: 500, extraArgs: ['--config', base] })
  await converge(fleet, 60_000)
}, 120_000)

afterAll(async () => {
  await fleet?.stop()
  rmSync(work, { recursive: true, force: true })
})

describe('the node lifecycle on its own', () => {
  it('an install command that fails three times ends in install_failed; reset-install --force goes back to pending', async () => {
    expect((await cli(['role', 'define', roleFile('broken', 'install_command: "echo no disk >&2; exit 3"\n'), '--wait', '20'])).code).toBe(0)
    expect((await cli(['role', 'assign', 'broken', 'n2', '--wait', '20'])).code).toBe(0)
    expect((await cli(['admit', 'n2', '--wait', '20'])).code).toBe(0)
    await waitState('n2', 'install_failed', 60_000)
    const n2 = (await fleet.nodesOf('n1')).find((n: any) => n.name === 'n2')
    expect(n2.installAttempts).toBe(3)
    expect(n2.lastError).toMatch(/no disk/)
    const audit = (await fleet.slm(['audit', '--node', 'n2', '--json'], { dir: 'n3' })).json
    expect(audit.filter((a: any) => a.type === 'install' && a.event.body.phase === 'failed')).toHaveLength(3)
    // without force: refused (3 attempts reached)
    const r = await cli(['reset-install', 'n2', '--wait', '20'])
    expect(r.code).toBe(1)
    expect(r.stdout + r.stderr).toMatch(/force/)
    expect((await cli(['role', 'unassign', 'broken', 'n2', '--wait', '20'])).code).toBe(0)
    expect((await cli(['reset-install', 'n2', '--force', '--wait', '20'])).code).toBe(0)
    const h = await history('n2')
    expect(h.find((i: any) => i.from === 'install_failed')).toMatchObject({ to: 'pending', metadata: { force: true } })
    await waitState('n2', 'online', 30_000)
  })

  it('a failing role health check makes the node degraded, remediation is recorded, recovery brings it online', async () => {
    expect((await cli(['admit', 'n1', '--wait', '20'])).code).toBe(0)
    await waitState('n1', 'online')
    expect((await cli(['role', 'define', roleFile('web', `systemd_services: [web-demo]\nhealth_checks:\n  - kind: command\n    command: "test -f ${healthy}"\n`), '--wait', '20'])).code).toBe(0)
    expect((await cli(['role', 'assign', 'web', 'n1', '--wait', '20'])).code).toBe(0)
    rmSync(healthy)
    await waitState('n1', 'degraded')
    await waitState('n1', 'online')
    expect(existsSync(healthy)).toBe(true)
    const audit = (await fleet.slm(['audit', '--node', 'n1', '--json'], { dir: 'n2' })).json
    const rem = audit.filter((a: any) => a.type === 'remediation')
    expect(rem.length).toBeGreaterThanOrEqual(1)
    expect(rem[0].event.body).toMatchObject({ role: 'web', service: 'web-demo', ok: true })
  })
})

describe('maintenance is never overridden by health', () => {
  let hot: Fleet
  afterAll(async () => { await hot?.stop() })

  it('a node in maintenance_planned with a breached threshold and a failing check stays there through 10 heartbeats', async () => {
    // A healthy node goes into planned maintenance; then it turns sick twice over: its role's
    // check starts failing (a marker file in its state dir, where checks run) and the disk
    // threshold drops to 1 % (always breached) through a config reload (SIGHUP).
    const config = testConfig()
    hot = await startFleet({ n: 1, heartbeatIntervalMs: 500, extraArgs: ['--config', config] })
    const n1 = hot.node('n1')
    const run = async (args: string[]): Promise<number> => (await hot.slm([...args, '--key', hot.operatorKey], { dir: 'n1' })).code
    const node = async (): Promise<any> => (await hot.nodesOf('n1'))[0]
    expect(await run(['admit', 'n1', '--wait', '20'])).toBe(0)
    expect(await run(['role', 'define', roleFile('sick', 'health_checks:\n  - kind: command\n    command: "test ! -e SICK"\n'), '--wait', '20'])).toBe(0)
    expect(await run(['role', 'assign', 'sick', 'n1', '--wait', '20'])).toBe(0)
    await hot.waitFor(async () => (await node()).state === 'online' && (await node()).health?.checks?.sick?.ok === true, { timeoutMs: 30_000, what: 'n1 online with a passing check' })
    expect(await run(['maintenance', 'enter', 'n1', '--type', 'planned', '--reason', 'hold', '--wait', '20'])).toBe(0)

    writeFileSync(join(n1.dir, 'SICK'), '')
    writeFileSync(config, JSON.stringify({ ...JSON.parse(readFileSync(config, 'utf8')), thresholds: { cpu: 0, memory: 0, disk: 1 } }))
    process.kill(n1.pid, 'SIGHUP')
    await hot.waitFor(async () => (await node()).health?.checks?.sick?.ok === false, { timeoutMs: 20_000, what: 'the failing check in n1\'s heartbeat' })
    expect(readFileSync(join(n1.dir, 'daemon.log'), 'utf8')).toMatch(/"applied":\["thresholds"\].*config reloaded/)

    const before = (await hot.slm(['node', 'history', 'n1', '--json'], { dir: 'n1' })).json.total
    const beat0 = (await node()).lastHeartbeat
    await hot.waitFor(async () => (await node()).lastHeartbeat - beat0 >= 10 * 500, { timeoutMs: 60_000, intervalMs: 500, what: '10 heartbeats' })
    const after = await node()
    expect(after.state).toBe('maintenance_planned')
    expect(after.health.diskPercent).toBeGreaterThan(1)
    expect(after.health.checks.sick.ok).toBe(false)
    expect((await hot.slm(['node', 'history', 'n1', '--json'], { dir: 'n1' })).json.total).toBe(before)
  })
})
