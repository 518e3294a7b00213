/**
 * Issue 3's observability: Prometheus metrics on a localhost port of a real daemon in a real
 * 3-node fleet — messages in/out, rejections by reason, peers, sync pulls, heartbeat lag, store size.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePorts, startFleet, type Change, type Fleet } from '../helpers/index.js'
import { admitAll, converge, settle } from '../helpers/measure.js'
import { sleep } from '../helpers/wait.js'
import { BYSTANDER_DELAY_MS, BYSTANDER_STORE_MS } from '../../node/commands/bystander.js'
import { testConfig } from './test-config.js'

let fleet: Fleet
let port: number

/** `name{labels} value` lines of the exposition text, summed over label sets. */
function metric (text: string, name: string, labels = ''): number {
  let sum = 0
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line)
    if (m != null && m[1] === name && (m[2] ?? '').includes(labels)) sum += Number(m[3])
  }
  return sum
}

beforeAll(async () => {
  [port] = await freePorts(1)
  fleet = await startFleet({
    n: 3,
    heartbeatIntervalMs: 500,
    extraArgs: (name) => ['--config', testConfig(), ...(name === 'n1' ? ['--metrics-port', String(port)] : [])]
  })
  await converge(fleet, 60_000)
}, 120_000)
afterAll(async () => { await fleet?.stop() }, 60_000)

describe('metrics', () => {
  it('serves the daemon\'s counters and gauges on 127.0.0.1 only', async () => {
    const text = await fleet.waitFor(async () => {
      const t = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
      return metric(t, 'slm_heartbeat_lag_seconds_count') >= 4 && metric(t, 'slm_sync_pulls_total') >= 1 ? t : null
    }, { timeoutMs: 30_000, intervalMs: 500, what: 'heartbeats and a sync pull counted' })
    // Heartbeats reach n1 through its slot's relay (`beats` bundles), or to n1 as that relay (`beat`).
    expect(metric(text, 'slm_messages_in_total', 'kind="beats"') + metric(text, 'slm_messages_in_total', 'kind="beat"')).toBeGreaterThan(0)
    expect(metric(text, 'slm_messages_out_total', 'kind="heartbeat"')).toBeGreaterThan(0)
    expect(metric(text, 'slm_peers')).toBe(2)
    expect(metric(text, 'slm_store_bytes')).toBeGreaterThan(0)
    expect(metric(text, 'slm_heartbeat_lag_seconds_sum')).toBeGreaterThanOrEqual(0)
    expect(text).toMatch(/process_resident_memory_bytes/)
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404)
  })

  it('count store commits, and a bystander gets an operator\'s node action with the events of its transition, in one message, and stores the events first', async () => {
    await admitAll(fleet, 60_000)
    await settle(fleet, 60_000, 1000)
    const scrape = async (): Promise<{ commits: number, events: number, commands: number }> => {
      const t = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
      return { commits: metric(t, 'slm_store_commits_total'), events: metric(t, 'slm_messages_in_total', 'kind="event'), commands: metric(t, 'slm_messages_in_total', 'kind="command"') }
    }
    const stored: Change[] = []
    const follower = fleet.follow('n1', (c) => { stored.push(c) }, { heartbeats: true })
    await follower.ready()
    const before = await scrape()
    expect(before.commits).toBeGreaterThan(0)
    const args = ['maintenance', 'enter', 'n2', '--type', 'planned', '--reason', 'metrics test', '--key', fleet.operatorKey]
    expect((await fleet.slm(args, { dir: 'n2' })).code).toBe(0)
    await fleet.waitFor(async () => (await fleet.nodesOf('n1')).find((x) => x.name === 'n2')?.state === 'maintenance_planned',
      { timeoutMs: 20_000, intervalMs: 100, what: 'n1 to store n2 entering maintenance' })
    // Past the lazy store's wait (bystander.ts): the command is stored by now.
    await sleep(BYSTANDER_STORE_MS + 500)
    const after = await scrape()
    const events = after.events - before.events
    expect(events).toBeGreaterThan(0)
    // One commit per events message from n2 (accepted, the transition, applied: one or two
    // messages), and at most one more: the command, asked on n2's own socket, rode in the first
    // message, with no message of its own; n1 checks it after storing the events and stores it
    // with its next write, or on its own when none comes (this fleet is quiet).
    expect(after.commits - before.commits).toBeLessThanOrEqual(events + 1)
    expect(after.commands - before.commands).toBe(0)
    // ...and n1 stored it after the transition, within the lazy store's wait (not from anti-entropy later).
    await follower.stop()
    const n2 = fleet.node('n2').nodeId
    const command = stored.find((c) => c.kind === 'command' && c.type === 'maintenance_enter')
    const transition = stored.find((c) => c.kind === 'event' && c.type === 'transition' && c.origin === n2)
    expect(command?.command).toMatchObject({ action: 'maintenance_enter', target: { kind: 'nodes', nodes: [n2] } })
    expect(transition?.event).toMatchObject({ origin: n2, body: { to: 'maintenance_planned' } })
    expect(command!.receivedAt).toBeGreaterThanOrEqual(transition!.receivedAt)
    expect(command!.receivedAt - transition!.receivedAt).toBeLessThan(BYSTANDER_STORE_MS + BYSTANDER_DELAY_MS)
  }, 120_000)
})
