/**
 * Issue 3 end to end: real daemons as separate processes on 127.0.0.1, real TCP, real LMDB files.
 */
import { readFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hlcFromMs } from '../../protocol/hlc.js'
import { newCommandId } from '../../protocol/ids.js'
import { signCommand } from '../../protocol/sign.js'
import { PROTOCOL_VERSION, type CommandEnvelope } from '../../protocol/types.js'
import { ControlClient } from '../../node/control/index.js'
import { YOUNG_GENERATION_LIMIT_MIB } from '../../node/daemon/node-flags.js'
import { sleep, startFleet, type Fleet } from '../helpers/index.js'
import { converge } from '../helpers/measure.js'
import { testConfig } from './test-config.js'

function digests (statuses: any[]): string[] {
  return statuses.map(s => s.replicaDigest)
}

/** Signs `count` tag commands in-process and submits them over n1's control socket: fast, real. */
async function submitTagCommands (fleet: Fleet, via: string, targets: string[], count: number): Promise<void> {
  const pem = readFileSync(fleet.operatorKey, 'utf8')
  const client = await ControlClient.connect(join(fleet.node(via).dir, 'control.sock'))
  try {
    const calls: Array<Promise<unknown>> = []
    for (let i = 0; i < count; i++) {
      const now = Date.now()
      const cmd: CommandEnvelope = signCommand({
        v: PROTOCOL_VERSION,
        id: newCommandId(now),
        issuer: fleet.operatorPub,
        issuedAt: hlcFromMs(now),
        expiresAt: now + 3_600_000,
        target: { kind: 'nodes', nodes: [targets[i % targets.length]] },
        action: 'tag_add',
        params: { tag: `t${i % 50}` },
        comment: `load ${i}`
      }, pem)
      calls.push(client.call('submit', { command: cmd }))
      // Pipelined in windows of 50, as a busy operator team or a script would.
      if (calls.length >= 50) await Promise.all(calls.splice(0))
    }
    await Promise.all(calls)
  } finally {
    client.close()
  }
}

describe('slm daemon fleet on loopback', () => {
  let fleet: Fleet

  beforeAll(async () => {
    // test.block (a missing link, below) is refused unless the daemons run with SLM_TEST_HOOKS=1.
    process.env.SLM_TEST_HOOKS = '1'
    fleet = await startFleet({ n: 5, heartbeatIntervalMs: 500, extraArgs: ['--config', testConfig()] })
  }, 120_000)

  afterAll(async () => { await fleet?.stop() })

  it('five daemons each given one bootstrap address all list all five alive', async () => {
    await converge(fleet, 60_000)
    for (const node of fleet.nodes) {
      const nodes = await fleet.nodesOf(node.name)
      expect(nodes.map((n: any) => n.name).sort()).toEqual(['n1', 'n2', 'n3', 'n4', 'n5'])
      expect(nodes.every((n: any) => n.liveness === 'alive')).toBe(true)
      for (const n of nodes) {
        expect(n).toHaveProperty('id')
        expect(n).toHaveProperty('state')
        expect(n).toHaveProperty('roles')
        expect(n).toHaveProperty('lastHeartbeat')
        expect(n.health).toHaveProperty('cpuPercent')
      }
    }
  })

  it('heartbeats go brief between full ones, yet other replicas keep a node\'s roles, services and ports, and see a new port', async () => {
    const out = async (): Promise<Record<string, { messages: number }>> => (await fleet.status('n2')).traffic.gossipOut
    const before = await out()
    await sleep(6000)
    const after = await out()
    const sent = (kind: string): number => (after[kind]?.messages ?? 0) - (before[kind]?.messages ?? 0)
    // 500 ms beats with no peer joining: at most every sixth one is full.
    expect(sent('heartbeat_brief')).toBeGreaterThanOrEqual(6)
    expect(sent('heartbeat_brief')).toBeGreaterThan(2 * sent('heartbeat'))
    const view = async (): Promise<any> => (await fleet.slm(['node', 'show', 'n2', '--json'], { dir: 'n5' })).json
    const seen = await view()
    expect(Object.keys(seen.detectedRoles).length).toBeGreaterThan(0)
    expect(seen.health.services.length).toBeGreaterThan(0)
    expect(seen.health.listeningPorts.length).toBeGreaterThan(0)
    // A new listening socket on the host: n2's port probe finds it (its cache lasts 10 s), its
    // stable parts change, and its next heartbeat is a full one.
    const server = createServer()
    await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
    const port = (server.address() as AddressInfo).port
    try {
      await fleet.waitFor(async () => (await view()).health.listeningPorts.some((p: any) => p.port === port),
        { timeoutMs: 30_000, intervalMs: 500, what: `port ${port} in n2's heartbeat as n5 sees it` })
    } finally {
      server.close()
    }
  })

  it('daemons run with the node flags that cap the young generation, and status reports their memory', async () => {
    for (const node of fleet.nodes) {
      const s = await fleet.status(node.name)
      expect(s.memory.rssBytes).toBeGreaterThan(0)
      expect(s.memory.heapUsedBytes).toBeGreaterThan(0)
      // V8's default sizing grows it to 64-128 MiB; the flag (node-flags.ts) holds it here.
      expect(s.memory.youngGenerationBytes).toBeLessThanOrEqual(YOUNG_GENERATION_LIMIT_MIB * 1024 * 1024)
      expect(s.gossipPeers).toBe(s.peers)
    }
  })

  it('a node killed with SIGKILL is suspect then unreachable on the others, and alive again after restart', async () => {
    // The liveness changes n1 stores on the way: suspect first, then unreachable.
    const changes: string[] = []
    const f = fleet.follow('n1', (c) => { if (c.kind === 'liveness' && c.origin === fleet.node('n4').nodeId) changes.push(String(c.liveness)) }, { heartbeats: true })
    await f.ready(10_000)
    await fleet.kill('n4', 'SIGKILL')
    await fleet.waitFor(async () => (await fleet.nodesOf('n1')).find((n: any) => n.name === 'n4').liveness === 'unreachable',
      { timeoutMs: 30_000, intervalMs: 200, what: 'n4 unreachable on n1' })
    await fleet.waitFor(() => changes.includes('unreachable'), { timeoutMs: 5000, what: 'the liveness change stream' })
    expect(changes.slice(0, 2)).toEqual(['suspect', 'unreachable'])
    await f.stop()
    for (const other of ['n2', 'n3', 'n5']) {
      await fleet.waitFor(async () => (await fleet.nodesOf(other)).find((n: any) => n.name === 'n4').liveness === 'unreachable',
        { timeoutMs: 30_000, what: `n4 unreachable on ${other}` })
    }
    await fleet.start('n4')
    await fleet.waitFor(async () => (await fleet.nodesOf('n1')).find((n: any) => n.name === 'n4').liveness === 'alive',
      { timeoutMs: 30_000, what: 'n4 alive again on n1' })
  })

  it('heartbeats travel through one relay per slot, and killing the relay leaves every other member alive', async () => {
    await converge(fleet, 60_000)
    // Five members are one beat slot; its relay is the lowest node id (node/daemon/beat-relay.ts).
    const byId = [...fleet.nodes].sort((a, b) => a.nodeId < b.nodeId ? -1 : 1)
    const [relay, next] = byId
    const others = byId.slice(1).map((n) => n.name)
    const inbound = async (name: string): Promise<Record<string, { messages: number }>> => (await fleet.status(name)).traffic.gossipIn
    const count = (t: Record<string, { messages: number }>, ...kinds: string[]): number => kinds.reduce((sum, k) => sum + (t[k]?.messages ?? 0), 0)
    const before = new Map(await Promise.all(fleet.nodes.map(async (n) => [n.name, await inbound(n.name)] as const)))
    await sleep(3000)
    const since = async (name: string, ...kinds: string[]): Promise<number> => count(await inbound(name), ...kinds) - count(before.get(name)!, ...kinds)
    // 500 ms beats: ~6 from each of four members in 3 s reach the relay, and one bundle an interval leaves it.
    expect(await since(relay.name, 'beat')).toBeGreaterThanOrEqual(4 * 3)
    for (const name of others) {
      const bundles = await since(name, 'beats')
      expect(bundles).toBeGreaterThanOrEqual(3)
      expect(await since(name, 'beat')).toBe(0)
      expect(await since(name, 'heartbeat', 'heartbeat_brief')).toBeLessThan(bundles)
    }

    // The relay dies: its slot-mates' beats go straight out until the next lowest id relays, and
    // no survivor ever looks suspect to another.
    const changes: string[] = []
    const follows = others.map((name) => fleet.follow(name, (c) => {
      if (c.kind === 'liveness' && c.origin !== relay.nodeId) changes.push(`${name} saw ${String(c.origin)} ${String(c.liveness)}`)
    }, { heartbeats: true }))
    for (const f of follows) await f.ready(10_000)
    const nextBefore = count(await inbound(next.name), 'beat')
    await fleet.kill(relay.name, 'SIGKILL')
    for (const name of others) {
      await fleet.waitFor(async () => (await fleet.nodesOf(name)).find((n: any) => n.id === relay.nodeId).liveness === 'unreachable',
        { timeoutMs: 30_000, intervalMs: 200, what: `${relay.name} unreachable on ${name}` })
    }
    await sleep(3000)
    for (const f of follows) await f.stop()
    expect(changes).toEqual([])
    expect(count(await inbound(next.name), 'beat') - nextBefore).toBeGreaterThanOrEqual(3 * 3)
    await fleet.start(relay.name)
    await converge(fleet, 60_000)
  }, 150_000)

  it('a member gone silent (SIGSTOP: its sockets stay open) is hung up on once unreachable, and rejoins after SIGCONT', async () => {
    await converge(fleet, 60_000)
    const n2 = fleet.node('n2')
    const connectedTo = async (on: string): Promise<boolean> => (await fleet.status(on)).peers === 4
    expect(await connectedTo('n1')).toBe(true)
    process.kill(n2.pid, 'SIGSTOP')
    try {
      await fleet.waitFor(async () => (await fleet.nodesOf('n1')).find((n: any) => n.name === 'n2').liveness === 'unreachable',
        { timeoutMs: 30_000, intervalMs: 200, what: 'n2 unreachable on n1' })
      // The kernel still holds n2's end open; only the daemon's hang-up closes the connection.
      await fleet.waitFor(async () => (await fleet.status('n1')).peers === 3, { timeoutMs: 10_000, intervalMs: 200, what: 'n1 to hang up on n2' })
    } finally {
      process.kill(n2.pid, 'SIGCONT')
    }
    await converge(fleet, 60_000)
  }, 120_000)

  it('a node stopped while 1,000 changes happen elsewhere catches up to the same replica digest', async () => {
    await fleet.kill('n5', 'SIGTERM')
    await submitTagCommands(fleet, 'n1', [fleet.node('n2').nodeId, fleet.node('n3').nodeId, fleet.node('n5').nodeId], 1000)
    await fleet.start('n5')
    // Equal on two polls in a row: n5 may match the others for a moment before it applies the
    // commands addressed to it that queued while it was down (and its results then spread).
    let last = ''
    await fleet.waitFor(async () => {
      const all = new Set(digests(await Promise.all(fleet.nodes.map(async n => await fleet.status(n.name)))))
      const [only] = all
      const settled = all.size === 1 && only === last
      last = all.size === 1 ? only : ''
      return settled
    }, { timeoutMs: 90_000, intervalMs: 1000, what: 'equal replica digests after n5 rejoined' })
    const n5 = await fleet.status('n5')
    const n1 = await fleet.status('n1')
    expect(n5.replicaDigest).toBe(n1.replicaDigest)
  }, 180_000)

  it('lazy gossip is off while every member is connected, and a missing link turns it on and is bridged', async () => {
    await converge(fleet, 60_000)
    const all = async (): Promise<any[]> => await Promise.all(fleet.nodes.map(async n => await fleet.status(n.name)))
    // The tests before this one killed, stopped and froze members: `converge` (everyone alive, which
    // relayed beats also show) does not wait for discovery to redial every link, whose backoff grew
    // while a member was frozen or down (up to tens of seconds).
    await fleet.waitFor(async () => (await all()).every(s => s.lazyGossip === false && s.unconnected === 0),
      { timeoutMs: 60_000, intervalMs: 250, what: 'lazy gossip off on every node of a fully connected fleet' }).catch(async (err) => {
      const states = (await all()).map((s, i) => `${fleet.nodes[i].name}: peers ${String(s.peers)}, gossip peers ${String(s.gossipPeers)}, gaps ${JSON.stringify(s.gossipGaps)}, unconnected ${String(s.unconnected)}, lazy gossip ${String(s.lazyGossip)}`)
      throw new Error(`${String(err?.message ?? err)} (${states.join('; ')})`)
    })

    // n3 refuses connections with n1 but still takes n1's gossip when relayed: n1's heartbeats can
    // reach n3 only through the lazy gossip (IHAVE/IWANT) of the three peers both share, or in the
    // bundle of a beat relay (node/daemon/beat-relay.ts) that both are connected to.
    const n1 = fleet.node('n1').nodeId
    const block = async (peers: string[]): Promise<void> => {
      const client = await ControlClient.connect(join(fleet.node('n3').dir, 'control.sock'))
      try { await client.call('test.block', { peers, connectionsOnly: true }) } finally { client.close() }
    }
    await block([n1])
    try {
      await fleet.waitFor(async () => (await fleet.status('n3')).unconnected === 1 && (await all()).every(s => s.lazyGossip === true),
        { timeoutMs: 20_000, intervalMs: 250, what: "n3's missing link reported and lazy gossip on everywhere" })
      // Longer than the unreachable window (6 x 500 ms) several times over: n1 never leaves n3's view.
      const seen = new Set<string>()
      for (let i = 0; i < 32; i++) {
        seen.add((await fleet.nodesOf('n3')).find((n: any) => n.id === n1).liveness)
        await sleep(250)
      }
      expect(seen.has('unreachable')).toBe(false)
      expect((await fleet.status('n3')).unconnected).toBe(1)
    } finally {
      await block([])
    }
    // Discovery redials the link; once every member reports none missing, lazy gossip stops again.
    await fleet.waitFor(async () => (await all()).every(s => s.lazyGossip === false && s.unconnected === 0),
      { timeoutMs: 60_000, intervalMs: 500, what: 'lazy gossip off again after the link came back' })
  }, 150_000)
})
