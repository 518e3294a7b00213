/**
 * A lost link is not a lost member. With heartbeats every 3 s (longer than the 2 s disconnect
 * grace), a member one node cannot connect to is heard only through others, up to an interval
 * after its link closed: it may look `suspect` meanwhile, never `unreachable`. A member whose
 * daemon is killed is `unreachable` within the grace, since the redial right after the disconnect
 * is refused: long before the heartbeat ages (6 x 3 s) would say so. Real daemons on 127.0.0.1.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ControlClient } from '../../node/control/index.js'
import { sleep, startFleet, type Fleet } from '../helpers/index.js'
import { converge } from '../helpers/measure.js'
import { testConfig } from './test-config.js'

const INTERVAL_MS = 3000

describe('liveness across a missing link', () => {
  let fleet: Fleet

  beforeAll(async () => {
    process.env.SLM_TEST_HOOKS = '1'
    fleet = await startFleet({ n: 4, heartbeatIntervalMs: INTERVAL_MS, extraArgs: ['--config', testConfig()] })
    await converge(fleet, 60_000)
  }, 120_000)

  afterAll(async () => { await fleet?.stop() })

  const block = async (on: string, peers: string[]): Promise<void> => {
    const client = await ControlClient.connect(join(fleet.node(on).dir, 'control.sock'))
    try { await client.call('test.block', { peers, connectionsOnly: true }) } finally { client.close() }
  }

  it('a member behind a missing link is never unreachable, through several intervals', async () => {
    const n1 = fleet.node('n1').nodeId
    const changes: string[] = []
    const f = fleet.follow('n3', (c) => { if (c.kind === 'liveness' && c.origin === n1) changes.push(String(c.liveness)) }, { heartbeats: true })
    await f.ready(10_000)
    await block('n3', [n1])
    try {
      await fleet.waitFor(async () => (await fleet.status('n3')).unconnected === 1,
        { timeoutMs: 20_000, intervalMs: 250, what: "n3's missing link to n1 reported" })
      await sleep(4 * INTERVAL_MS)
      expect(changes).not.toContain('unreachable')
      expect((await fleet.nodesOf('n3')).find((n: any) => n.id === n1).liveness).toBe('alive')
      expect((await fleet.status('n3')).unconnected).toBe(1)
    } finally {
      await block('n3', [])
      await f.stop()
    }
  }, 60_000)

  it('a member whose daemon is killed is unreachable within the grace, not after the heartbeat ages', async () => {
    const victim = fleet.node('n4')
    const killedAt = Date.now()
    await fleet.kill('n4', 'SIGKILL')
    for (const on of ['n1', 'n2', 'n3']) {
      await fleet.waitFor(async () => (await fleet.nodesOf(on)).find((n: any) => n.id === victim.nodeId).liveness === 'unreachable',
        { timeoutMs: 6 * INTERVAL_MS, intervalMs: 100, what: `n4 unreachable on ${on}` })
    }
    // The ages alone would take over 3 intervals to say suspect and 6 to say unreachable.
    expect(Date.now() - killedAt).toBeLessThan(3 * INTERVAL_MS)
  }, 60_000)
})
