/**
 * A stall of our own is not a peer's silence. When the host pauses (a VM snapshot, a suspended
 * laptop) every daemon wakes to heartbeats that look old, and each one's overdue liveness timer
 * fired before the heartbeats waiting in its sockets were read: every member went suspect (or
 * unreachable) on every observer at once (414 false suspects in a 10-minute soak of 30 daemons,
 * at the instant the host VM was snapshotted). Here every daemon of a fleet is frozen with SIGSTOP
 * for longer than the unreachable window and thawed; no observer may mark anyone down. A member
 * that really stays silent after the thaw is still found. Real daemons on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sleep, startFleet, type Fleet } from '../helpers/index.js'
import { converge } from '../helpers/measure.js'
import { testConfig } from './test-config.js'

const INTERVAL_MS = 1000

describe('liveness across a stall of the whole host', () => {
  let fleet: Fleet

  beforeAll(async () => {
    fleet = await startFleet({ n: 3, heartbeatIntervalMs: INTERVAL_MS, extraArgs: ['--config', testConfig()] })
    await converge(fleet, 60_000)
  }, 120_000)

  afterAll(async () => { await fleet?.stop() })

  it('every daemon frozen past the unreachable window and thawed: nobody is marked down', async () => {
    const changes: string[] = []
    const followers = fleet.nodes.map((n) => fleet.follow(n.name, (c) => {
      if (c.kind === 'liveness') changes.push(`${n.name}: ${String(c.origin).slice(-6)} ${String(c.liveness)}`)
    }, { heartbeats: true }))
    try {
      await Promise.all(followers.map(async (f) => { await f.ready(10_000) }))
      await sleep(2 * INTERVAL_MS)
      const before = changes.length
      const pids = fleet.nodes.map((n) => n.pid)
      for (const pid of pids) process.kill(pid, 'SIGSTOP')
      try {
        await sleep(7 * INTERVAL_MS) // past suspect (3 intervals) and unreachable (6)
      } finally {
        for (const pid of pids) process.kill(pid, 'SIGCONT')
      }
      await sleep(5 * INTERVAL_MS)
      expect(changes.slice(before)).toEqual([])
      for (const n of fleet.nodes) {
        expect((await fleet.nodesOf(n.name)).map((x: any) => x.liveness)).toEqual(['alive', 'alive', 'alive'])
      }
    } finally {
      await Promise.all(followers.map(async (f) => { await f.stop() }))
    }
  }, 60_000)

  it('a member that stays frozen after the others thaw is still marked unreachable', async () => {
    const n3 = fleet.node('n3')
    const pids = fleet.nodes.map((n) => n.pid)
    for (const pid of pids) process.kill(pid, 'SIGSTOP')
    try {
      await sleep(4 * INTERVAL_MS)
      for (const pid of pids) if (pid !== n3.pid) process.kill(pid, 'SIGCONT')
      await fleet.waitFor(async () => (await fleet.nodesOf('n1')).find((x: any) => x.id === n3.nodeId).liveness === 'unreachable',
        { timeoutMs: 15 * INTERVAL_MS, intervalMs: 200, what: 'n3 unreachable on n1 after the others thawed' })
    } finally {
      for (const pid of pids) process.kill(pid, 'SIGCONT')
    }
    await converge(fleet, 60_000)
  }, 60_000)
})
