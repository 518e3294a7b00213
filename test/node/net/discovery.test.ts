/**
 * Discovery redials known members: two real libp2p hosts on 127.0.0.1, no bootstrap. A partition
 * (the gater refusing the peer, the connection closed) that heals is mended by the redial, not by
 * luck: before the fix each side only heard its own side's heartbeats and stayed split for good.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { afterEach, describe, expect, it } from 'vitest'
import { newFleetKey } from '../../../node/identity/fleet-key.js'
import { createHost, Discovery, type SlmLibp2p } from '../../../node/net/index.js'
import { waitFor } from '../../helpers/wait.js'

const started: Array<{ stop: () => unknown }> = []
afterEach(async () => {
  for (const s of started.splice(0).reverse()) await s.stop()
})

async function host (fleetKey: Uint8Array, blocked: Set<string>): Promise<SlmLibp2p> {
  const node = await createHost({ privateKey: await generateKeyPair('Ed25519'), fleetKey, listen: ['/ip4/127.0.0.1/tcp/0'], isBlocked: (p) => blocked.has(p) })
  await node.start()
  started.push(node)
  return node
}

const connected = (a: SlmLibp2p, b: SlmLibp2p): boolean => a.getConnections(b.peerId).length > 0

describe('discovery', () => {
  it('dials a known member it is not connected to, and again after a partition heals', async () => {
    const fleetKey = newFleetKey()
    const blockedA = new Set<string>()
    const a = await host(fleetKey, blockedA)
    const b = await host(fleetKey, new Set())
    const known = [{ id: b.peerId.toString(), addrs: b.getMultiaddrs().map(m => m.toString()) }]
    const discovery = new Discovery({ bootstrap: [], maxConnections: 10, minBackoffMs: 100, maxBackoffMs: 400 }, { node: a, onError: () => {}, known: () => known })
    await discovery.start()
    started.push(discovery)

    await waitFor(() => connected(a, b), { timeoutMs: 10_000, intervalMs: 50, what: 'a to dial b' })

    // Partition: a refuses b and hangs up. While it lasts, the redials are refused by the gater.
    blockedA.add(b.peerId.toString())
    for (const c of a.getConnections(b.peerId)) await c.close()
    await waitFor(() => !connected(a, b) && !connected(b, a), { timeoutMs: 5000, intervalMs: 50, what: 'the partition' })
    const until = Date.now() + 1500
    while (Date.now() < until) {
      expect(connected(a, b)).toBe(false)
      await new Promise(resolve => setTimeout(resolve, 100))
    }

    // Healed: the next redial (backoff at most 400 ms here) reconnects without any heartbeat.
    blockedA.clear()
    const healedAt = Date.now()
    await waitFor(() => connected(a, b), { timeoutMs: 10_000, intervalMs: 50, what: 'a to redial b after the partition heals' })
    expect(Date.now() - healedAt).toBeLessThan(5000)
  }, 30_000)

  it('leaves members it is connected to, unknown ids and itself alone', async () => {
    const fleetKey = newFleetKey()
    const a = await host(fleetKey, new Set())
    const dials: string[] = []
    const original = a.dial.bind(a)
    a.dial = (async (...args: Parameters<SlmLibp2p['dial']>) => { dials.push(String(args[0])); return await original(...args) }) as SlmLibp2p['dial']
    const known = [
      { id: a.peerId.toString(), addrs: a.getMultiaddrs().map(m => m.toString()) },
      { id: 'not-a-peer-id', addrs: ['/ip4/127.0.0.1/tcp/1'] }
    ]
    const discovery = new Discovery({ bootstrap: [], maxConnections: 10, minBackoffMs: 50 }, { node: a, onError: () => {}, known: () => known })
    await discovery.start()
    started.push(discovery)
    await new Promise(resolve => setTimeout(resolve, 1200))
    expect(dials).toEqual([])
  })
})
