/**
 * Discovery.probe against real libp2p hosts on 127.0.0.1: the dial the daemon makes when a
 * member's last connection closes tells a gone daemon (refused) from a lost link (back at once, or
 * no verdict), which is what liveness turns into `unreachable` or leaves `suspect`.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { afterEach, describe, expect, it } from 'vitest'
import { newFleetKey } from '../../../node/identity/index.js'
import { createHost, Discovery, type SlmLibp2p } from '../../../node/net/index.js'

describe('Discovery.probe', () => {
  const cleanup: Array<() => Promise<void> | void> = []
  afterEach(async () => { for (const c of cleanup.splice(0).reverse()) await c() })

  async function host (fleetKey: Uint8Array, isBlocked?: (id: string) => boolean): Promise<SlmLibp2p> {
    const node = await createHost({ privateKey: await generateKeyPair('Ed25519'), fleetKey, listen: ['/ip4/127.0.0.1/tcp/0'], ...(isBlocked != null ? { isBlocked } : {}) })
    await node.start()
    cleanup.push(async () => { await node.stop() })
    return node
  }

  async function discoveryOf (node: SlmLibp2p): Promise<Discovery> {
    const d = new Discovery({ bootstrap: [], maxConnections: 10 }, { node, onError: () => {} })
    await d.start()
    cleanup.push(() => { d.stop() })
    return d
  }

  const addrsOf = (node: SlmLibp2p): string[] => node.getMultiaddrs().map((m) => m.toString())

  it('a live member whose link closed: connected again', async () => {
    const key = newFleetKey()
    const [a, b] = [await host(key), await host(key)]
    const d = await discoveryOf(a)
    d.learn(b.peerId.toString(), addrsOf(b))
    await a.dial(b.peerId)
    await a.hangUp(b.peerId)
    expect(a.getConnections(b.peerId)).toHaveLength(0)
    expect(await d.probe(b.peerId.toString(), 5000)).toBe('connected')
    expect(a.getConnections(b.peerId).length).toBeGreaterThan(0)
  })

  it('a member whose daemon stopped: refused, and quickly', async () => {
    const key = newFleetKey()
    const [a, b] = [await host(key), await host(key)]
    const d = await discoveryOf(a)
    d.learn(b.peerId.toString(), addrsOf(b))
    await a.dial(b.peerId)
    await b.stop()
    // As the daemon does it: on peer:disconnect, when no connection is left to answer the dial.
    for (let i = 0; i < 100 && a.getConnections(b.peerId).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
    const t0 = Date.now()
    expect(await d.probe(b.peerId.toString(), 5000)).toBe('refused')
    expect(Date.now() - t0).toBeLessThan(5000)
  })

  it('a link we refuse ourselves, or a member not dialled again within the probe gap: no verdict', async () => {
    const key = newFleetKey()
    let blocked = ''
    const a = await host(key, (id) => id === blocked)
    const b = await host(key)
    const d = await discoveryOf(a)
    d.learn(b.peerId.toString(), addrsOf(b))
    blocked = b.peerId.toString()
    expect(await d.probe(b.peerId.toString(), 5000)).toBe('failed')
    // Let through now, but probed a moment ago: no second dial (a pruned link must not loop).
    blocked = ''
    expect(await d.probe(b.peerId.toString(), 5000)).toBe('skipped')
    expect(a.getConnections(b.peerId)).toHaveLength(0)
  })
})
