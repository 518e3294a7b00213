/**
 * A connection whose gossip streams are gone is reopened. gossipsub drops a peer after a read
 * error on its stream (and closes both streams) while the connection stays open, and never opens
 * streams on that connection again; nor does it retry an outbound stream that broke. Such a member
 * stays connected, so nothing redials it, yet our publishes no longer reach it and lazy gossip
 * stays on across the fleet for as long as the connection lives. The daemon closes a link its
 * gossip has not reached for gossipRepairAfterMs, and the redial brings fresh streams.
 * Real daemons on 127.0.0.1; the gap is made through a test hook that takes gossipsub's own paths.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ControlClient } from '../../node/control/index.js'
import { GOSSIP_REPAIR_LOG as REPAIRED } from '../../node/daemon/gossip-repair.js'
import { logCount, slm, startFleet, type Fleet } from '../helpers/index.js'
import { converge } from '../helpers/measure.js'
import { testConfig } from './test-config.js'

const INTERVAL_MS = 1000
/** Shorter than the default minute, to keep the test short: the rule is the same. */
const REPAIR_AFTER_MS = 10_000

describe('a member link without gossip streams', () => {
  let fleet: Fleet

  beforeAll(async () => {
    process.env.SLM_TEST_HOOKS = '1'
    fleet = await startFleet({ n: 4, heartbeatIntervalMs: INTERVAL_MS, extraArgs: ['--config', testConfig({ gossipRepairAfterMs: REPAIR_AFTER_MS })] })
    await converge(fleet, 60_000)
  }, 120_000)

  afterAll(async () => { await fleet?.stop() })

  const all = async (): Promise<any[]> => await Promise.all(fleet.nodes.map(async n => await fleet.status(n.name)))
  const whole = async (): Promise<boolean> => (await all()).every(s => s.gossipPeers === 3 && s.unconnected === 0 && s.lazyGossip === false)
  const repairsLogged = (on: string): number => logCount(fleet.node(on).dir, REPAIRED)

  // What `slm status` names the gap: gossipsub forgets the peer after a read error; a closed
  // outbound stream leaves the peer known but unwritable. Each case on its own pair: a member
  // repaired once waits a backoff before its next repair.
  for (const [how, gap, on, peer] of [['read-error', 'no-peer', 'n2', 'n3'], ['outbound', 'no-stream', 'n1', 'n4']] as const) {
    it(`is reopened after a ${how} gap (${on} to ${peer}), and the member stays alive throughout`, async () => {
      await fleet.waitFor(whole, { timeoutMs: 60_000, intervalMs: 250, what: 'every member reached by every gossip, lazy gossip off' })
      const target = fleet.node(peer).nodeId
      const before = repairsLogged(on) + repairsLogged(peer)
      const liveness: string[] = []
      const f = fleet.follow(on, (c) => { if (c.kind === 'liveness' && c.origin === target) liveness.push(String(c.liveness)) }, { heartbeats: true })
      await f.ready(10_000)
      try {
        const client = await ControlClient.connect(join(fleet.node(on).dir, 'control.sock'))
        try { await client.call('test.breakGossip', { peer: target, how }) } finally { client.close() }
        // The gap is seen (a closing stream goes once the other end has closed too), and the
        // connection is still there: nothing else would close it.
        await fleet.waitFor(async () => (await fleet.status(on)).gossipPeers === 2, { timeoutMs: 5000, intervalMs: 50, what: `the gap seen on ${on}` })
        const s = await fleet.status(on)
        expect(s.unconnected).toBe(1)
        expect(s.peers).toBe(3)
        expect(s.gossipGaps).toEqual({ [target]: gap })
        const text = await slm(['status'], { dir: fleet.node(on).dir })
        expect(text.stdout).toContain(`gossip gaps: ${gap} 1`)
        await fleet.waitFor(async () => (await all()).every(x => x.lazyGossip === true),
          { timeoutMs: 10_000, intervalMs: 100, what: 'lazy gossip on while the gap lasts' })
        // Reopened after the repair delay and a beat, redialled, and every gossip whole again.
        await fleet.waitFor(whole, { timeoutMs: REPAIR_AFTER_MS + 30_000, intervalMs: 250, what: 'the link reopened and every gossip whole again' })
        expect(repairsLogged(on) + repairsLogged(peer)).toBeGreaterThan(before)
        expect(liveness).not.toContain('unreachable')
      } finally {
        await f.stop()
      }
    }, 120_000)
  }
})
