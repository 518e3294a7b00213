/**
 * Issue 4 end to end with three real daemons: every action issued on n1, applied on its target,
 * with the result and history visible on another node; and every kind of bad command refused.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hlcFromMs } from '../../protocol/hlc.js'
import { newCommandId } from '../../protocol/ids.js'
import { signCommand } from '../../protocol/sign.js'
import { PROTOCOL_VERSION, type Action, type CommandEnvelope, type Target } from '../../protocol/types.js'
import { ControlClient } from '../../node/control/index.js'
import { startFleet, type Fleet } from '../helpers/index.js'
import { converge } from '../helpers/measure.js'
import { testConfig } from './test-config.js'

let fleet: Fleet

const state = async (on: string, of: string): Promise<string> => (await fleet.nodesOf(on)).find((n: any) => n.name === of)?.state
const waitState = async (on: string, of: string, want: string, timeoutMs = 20_000): Promise<void> => {
  await fleet.waitFor(async () => (await state(on, of)) === want, { timeoutMs, intervalMs: 250, what: `${of} ${want} on ${on}` })
}
const cli = async (args: string[], on = 'n1'): Promise<{ code: number, stdout: string, stderr: string, json: any }> =>
  await fleet.slm([...args, '--key', fleet.operatorKey], { dir: on })

function envelope (action: Action, target: Target, params: Record<string, unknown>, pem: string, issuer: string, extra: Partial<CommandEnvelope> = {}): CommandEnvelope {
  const now = Date.now()
  return signCommand({ v: PROTOCOL_VERSION, id: newCommandId(now), issuer, issuedAt: hlcFromMs(now), expiresAt: now + 600_000, target, action, params, comment: 'test', ...extra }, pem)
}

async function submit (on: string, cmd: unknown): Promise<{ ok: boolean, code?: string, message?: string }> {
  const client = await ControlClient.connect(join(fleet.node(on).dir, 'control.sock'))
  try {
    await client.call('submit', { command: cmd })
    return { ok: true }
  } catch (err: any) {
    return { ok: false, code: err.code, message: err.message }
  } finally {
    client.close()
  }
}

beforeAll(async () => {
  fleet = await startFleet({ n: 3, heartbeatIntervalMs: 500, extraArgs: ['--config', testConfig()] })
  await converge(fleet, 60_000)
}, 120_000)

afterAll(async () => { await fleet?.stop() })

describe('signed commands end to end', () => {
  it('admit --all-discovered brings every node online; results and history are visible elsewhere', async () => {
    expect(await state('n3', 'n2')).toBe('discovered')
    const r = await cli(['admit', '--all-discovered', '--wait', '30'])
    expect(r.code, r.stderr).toBe(0)
    for (const n of ['n1', 'n2', 'n3']) await waitState('n3', n, 'online')
    const hist = (await fleet.slm(['node', 'history', 'n2', '--json'], { dir: 'n3' })).json
    expect(hist.items.map((i: any) => i.to)).toEqual(['online', 'installing', 'pending'])
    expect(hist.items[2]).toMatchObject({ trigger: 'operator', operator: { name: 'admin' } })
  })

  it('maintenance enter on n1 puts n2 in maintenance as n3 sees it, and exit brings it back online', async () => {
    const batches = async (): Promise<number> => (await fleet.status('n2')).traffic.gossipOut.events?.messages ?? 0
    const before = await batches()
    const r = await cli(['maintenance', 'enter', 'n2', '--type', 'planned', '--reason', 'disk swap', '--wait', '20'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/n2\s+applied/)
    await waitState('n3', 'n2', 'maintenance_planned')
    // n2's accepted result, transition and applied result went out as one gossip message.
    expect(await batches()).toBeGreaterThan(before)
    const hist = (await fleet.slm(['node', 'history', 'n2', '--limit', '1', '--json'], { dir: 'n3' })).json
    expect(hist.items[0]).toMatchObject({ to: 'maintenance_planned', comment: 'disk swap', operator: { name: 'admin' } })
    expect((await cli(['maintenance', 'exit', 'n2', '--wait', '20'])).code).toBe(0)
    await waitState('n3', 'n2', 'online')
    const audit = (await fleet.slm(['audit', '--node', 'n2', '--json'], { dir: 'n3' })).json
    expect(audit.some((a: any) => a.type === 'command_result')).toBe(true)
  })

  it('an invalid transition is rejected with the valid next states', async () => {
    const r = await cli(['recover', 'n2', '--wait', '20'])
    expect(r.code).toBe(1)
    expect(r.stdout + r.stderr).toMatch(/valid next states: .*degraded/)
    expect(await state('n3', 'n2')).toBe('online')
  })

  it('tags, role definitions and role assignments are fleet data every replica agrees on', async () => {
    // A role without health checks: assigning a default role (redis: tcp 6379) would send the
    // node to degraded and then error on a host that does not run it.
    const roleFile = join(fleet.root, 'cache.yaml')
    writeFileSync(roleFile, 'name: cache\ndisplay_name: Cache\ndescription: test\nservice_type: stateful\nsource_paths: [cache]\ntarget_path: roles/cache\n')
    expect((await cli(['role', 'define', roleFile, '--wait', '20'])).code).toBe(0)
    await fleet.waitFor(async () => ((await fleet.slm(['role', 'list', '--json'], { dir: 'n3' })).json as any[]).some(r => r.name === 'cache'), { timeoutMs: 20_000, what: 'role cache on n3' })
    expect((await cli(['tag', 'add', 'rack-a', 'n2', '--wait', '20'])).code).toBe(0)
    expect((await cli(['role', 'assign', 'cache', 'n3', '--wait', '20'])).code).toBe(0)
    await fleet.waitFor(async () => {
      const nodes = await fleet.nodesOf('n2')
      return nodes.find((n: any) => n.name === 'n2').tags.includes('rack-a') && nodes.find((n: any) => n.name === 'n3').roles.includes('cache')
    }, { timeoutMs: 20_000, what: 'tag and role on n2\'s replica' })
    expect(await state('n1', 'n3')).toBe('online')
  })

  it('refuses forged, unauthorised, expired, replayed, altered and oversized commands', async () => {
    const pem = readFileSync(fleet.operatorKey, 'utf8')
    const n2 = fleet.node('n2').nodeId
    const good = envelope('maintenance_enter', { kind: 'nodes', nodes: [n2] }, { type: 'planned', reason: 'x' }, pem, fleet.operatorPub)

    // forged signature
    expect((await submit('n1', { ...good, sig: good.sig.slice(0, -4) + 'AAAA' })).code).toBe('ERR_COMMAND_BAD_SIGNATURE')
    // a changed param under the old signature
    expect((await submit('n1', { ...good, params: { type: 'immediate', reason: 'x' } })).code).toBe('ERR_COMMAND_BAD_SIGNATURE')
    // expired
    const expired = envelope('maintenance_enter', { kind: 'nodes', nodes: [n2] }, { type: 'planned', reason: 'x' }, pem, fleet.operatorPub, { expiresAt: Date.now() - 3_600_000 })
    expect((await submit('n1', expired)).code).toBe('ERR_COMMAND_EXPIRED')
    // oversized
    // (signCommand refuses to sign it, so the oversized copy carries the good signature)
    expect((await submit('n1', { ...good, comment: 'x'.repeat(200_000) })).code).toBe('ERR_COMMAND_MALFORMED')

    // a viewer may not retire
    const viewerKey = join(fleet.root, 'viewer.key')
    const viewerPub = /ed25519:\S+/.exec((await fleet.slm(['keygen', '--out', viewerKey])).stdout)![0]
    expect((await cli(['trust', 'add', viewerPub, '--role', 'viewer', '--name', 'val', '--wait', '20'])).code).toBe(0)
    await fleet.waitFor(async () => ((await fleet.slm(['trust', 'list', '--json'], { dir: 'n2' })).json as any[]).some(t => t.name === 'val'), { timeoutMs: 20_000, what: 'viewer trusted on n2' })
    const r = await fleet.slm(['retire', 'n2', '--key', viewerKey], { dir: 'n1' })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/viewer/)

    // replayed: applied once, refused on a second submit — also after the target restarts
    expect((await submit('n1', good)).ok).toBe(true)
    await waitState('n3', 'n2', 'maintenance_planned')
    expect((await submit('n1', good)).code).toBe('ERR_COMMAND_REPLAYED')
    await fleet.restart('n2')
    expect((await submit('n2', good)).code).toBe('ERR_COMMAND_REPLAYED')
    expect((await cli(['maintenance', 'exit', 'n2', '--wait', '20'])).code).toBe(0)
    await waitState('n3', 'n2', 'online')
    // nothing applied by the refused commands: no immediate maintenance, not retired
    const hist = (await fleet.slm(['node', 'history', 'n2', '--limit', '200', '--json'], { dir: 'n3' })).json
    expect(hist.items.some((i: any) => i.to === 'maintenance_immediate' || i.to === 'deprovisioning')).toBe(false)
  })

  it('a command for a stopped node applies when it comes back', async () => {
    await fleet.kill('n3', 'SIGTERM')
    const r = await cli(['maintenance', 'enter', 'n3', '--type', 'planned', '--reason', 'while down'])
    expect(r.code, r.stderr).toBe(0)
    await fleet.start('n3')
    await waitState('n1', 'n3', 'maintenance_planned', 30_000)
    expect((await cli(['maintenance', 'exit', 'n3', '--wait', '20'])).code).toBe(0)
    await waitState('n1', 'n3', 'online')
  })

  it('a scheduled maintenance window starts and ends on time', async () => {
    const start = new Date(Date.now() + 2000).toISOString()
    const end = new Date(Date.now() + 6000).toISOString()
    expect((await cli(['maintenance', 'schedule', 'n2', '--start', start, '--end', end, '--type', 'planned', '--reason', 'window', '--wait', '20'])).code).toBe(0)
    const windows = (await fleet.slm(['maintenance', 'windows', '--json'], { dir: 'n3' })).json
    expect(windows.some((w: any) => w.reason === 'window')).toBe(true)
    await waitState('n3', 'n2', 'maintenance_planned', 15_000)
    await waitState('n3', 'n2', 'online', 30_000)
  })

  it('retire: deprovisioning then retired, and the record stays for audit', async () => {
    expect((await cli(['retire', 'n3', '--wait', '20'])).code).toBe(0)
    await waitState('n1', 'n3', 'retired')
    const hist = (await fleet.slm(['node', 'history', 'n3', '--limit', '2', '--json'], { dir: 'n1' })).json
    expect(hist.items.map((i: any) => i.to)).toEqual(['retired', 'deprovisioning'])
  })
})
