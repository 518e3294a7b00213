/**
 * Issue 7: three hosts as three network namespaces on one bridged LAN (see test/helpers/netns.ts:
 * a bridge in a fourth namespace, one veth link per host), one `slm daemon` per host listening on
 * its own 10.77.0.x address and started with `ip netns exec`. The CLI runs in the root namespace
 * and talks to each daemon over the unix control socket in its state dir, as an operator on that
 * host would. Needs root; skipped, saying why, where namespaces cannot be created.
 */
import { readlinkSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFleet, type Fleet } from '../helpers/index.js'
import { converge } from '../helpers/measure.js'
import { createNetnsLab, LAB_SUBNET, netnsUnavailable, type NetnsLab } from '../helpers/netns.js'
import { testConfig } from './test-config.js'

const unavailable = netnsUnavailable()
if (unavailable !== null) console.warn(`skipping the multi-host namespace test: ${unavailable}`)

const HEARTBEAT_MS = 500
let lab: NetnsLab | undefined
let fleet: Fleet | undefined

const f = (): Fleet => fleet!
const nodeOf = async (on: string, of: string): Promise<any> => (await f().nodesOf(on)).find((n: any) => n.name === of)
const waitOn = async (on: string[], what: string, check: (on: string) => Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
  await f().waitFor(async () => (await Promise.all(on.map(check))).every(Boolean), { timeoutMs, intervalMs: 500, what })
}
const cli = async (args: string[], on = 'n1'): Promise<{ code: number, stdout: string, stderr: string }> =>
  await f().slm([...args, '--key', f().operatorKey], { dir: on })

// Skipped, with the reason printed above, only where this machine cannot create network namespaces
// and veth links (not root, no `ip`, or a sandbox without CAP_NET_ADMIN), as issue 7 allows; CI
// here runs as root and runs it.
describe.skipIf(unavailable !== null)('three hosts in network namespaces', () => {
  beforeAll(async () => {
    lab = createNetnsLab(3)
    const hosts = lab.hosts
    fleet = await startFleet({
      n: 3,
      heartbeatIntervalMs: HEARTBEAT_MS,
      // The lab subnet is exempt from the inbound rate limit, as an operator's fleet subnet would be.
      extraArgs: ['--config', testConfig({ allow: [`/ip4/${LAB_SUBNET.replace('/', '/ipcidr/')}`] })],
      listenIp: (_name, i) => hosts[i].ip,
      prefix: (_name, i) => lab!.exec(i)
    })
    await converge(fleet, 60_000)
  }, 120_000)

  afterAll(async () => {
    // Daemons first: a namespace with a process in it outlives `ip netns del`.
    try { await fleet?.stop() } finally { lab?.destroy() }
  })

  it('each daemon runs in its own namespace on its own address, and each lists all three alive', async () => {
    const own = readlinkSync('/proc/self/ns/net')
    const nets = f().nodes.map((n) => readlinkSync(`/proc/${n.pid}/ns/net`))
    expect(new Set([own, ...nets]).size).toBe(4)
    for (const [i, node] of f().nodes.entries()) {
      const status = await f().status(node.name)
      expect(status.listenAddrs.some((a: string) => a.startsWith(`/ip4/${lab!.hosts[i].ip}/tcp/`)), status.listenAddrs.join(' ')).toBe(true)
      const nodes = await f().nodesOf(node.name)
      expect(nodes.map((n: any) => `${n.name}:${n.liveness}`).sort()).toEqual(['n1:alive', 'n2:alive', 'n3:alive'])
    }
  })

  it('maintenance entered on host 1 for host 2 is seen on host 3', async () => {
    const admit = await cli(['admit', '--all-discovered', '--wait', '30'])
    expect(admit.code, admit.stderr).toBe(0)
    await waitOn(['n3'], 'every node online on n3', async (on) =>
      (await f().nodesOf(on)).every((n: any) => n.state === 'online'))
    const r = await cli(['maintenance', 'enter', 'n2', '--type', 'planned', '--reason', 'x', '--wait', '30'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/n2\s+applied/)
    await waitOn(['n3'], 'n2 in maintenance on n3', async (on) => (await nodeOf(on, 'n2')).state === 'maintenance_planned')
  })

  it('host 2\'s link down makes it unreachable on the others; up again, all three replicas converge', async () => {
    lab!.linkDown(1)
    const down = Date.now()
    await waitOn(['n1', 'n3'], 'n2 unreachable on n1 and n3', async (on) => (await nodeOf(on, 'n2')).liveness === 'unreachable')
    const detectedMs = Date.now() - down

    // A change made while n2 is cut off: n2 can only learn it after the link is back.
    const tag = await cli(['tag', 'add', 'while-n2-away', 'n3', '--wait', '20'])
    expect(tag.code, tag.stderr).toBe(0)
    await waitOn(['n1'], 'the tag on n1', async (on) => (await nodeOf(on, 'n3')).tags.includes('while-n2-away'))
    expect((await nodeOf('n2', 'n3')).tags).not.toContain('while-n2-away')
    expect((await f().status('n2')).replicaDigest).not.toBe((await f().status('n1')).replicaDigest)

    lab!.linkUp(1)
    const up = Date.now()
    let digests: string[] = []
    await f().waitFor(async () => {
      const statuses = await Promise.all(f().nodes.map(async (n) => await f().status(n.name)))
      digests = statuses.map((s) => s.replicaDigest)
      const alive = await Promise.all(['n1', 'n2', 'n3'].map(async (on) =>
        (await f().nodesOf(on)).every((n: any) => n.liveness === 'alive')))
      return new Set(digests).size === 1 && alive.every(Boolean)
    }, { timeoutMs: 60_000, intervalMs: 500, what: 'all three replicaDigests equal and every node alive everywhere' })
    const convergedMs = Date.now() - up
    expect((await nodeOf('n2', 'n3')).tags).toContain('while-n2-away')
    expect(f().crashes).toEqual([])
    console.log(`netns: n2 unreachable ${detectedMs} ms after its link went down; replicas converged ${convergedMs} ms after it came back`)
  }, 120_000)
})
