/**
 * Discovery redials members it knows and lost: after a partition heals the two sides hear nothing
 * of each other (no connection: no heartbeat, no peer exchange), so without this they would stay
 * apart for good. A fake libp2p node records the dials.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { multiaddr } from '@multiformats/multiaddr'
import { Discovery } from '../../../node/net/index.js'

async function fakeNode (): Promise<{ node: any, connected: Set<string>, dials: string[], failing: Set<string>, fire: (event: string) => void }> {
  const connected = new Set<string>()
  const listeners = new Map<string, Array<() => void>>()
  const failing = new Set<string>()
  const dials: string[] = []
  const self = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  const node = {
    peerId: self,
    getConnections: (peer?: { toString: () => string }) => peer == null ? [...connected] : connected.has(peer.toString()) ? [peer] : [],
    dial: async (peer: { toString: () => string }) => {
      const id = peer.toString()
      dials.push(id)
      if (failing.has(id)) throw new Error('unreachable')
      connected.add(id)
    },
    peerStore: { merge: async () => {}, get: async () => ({ addresses: [] }) },
    handle: async () => {},
    addEventListener: (event: string, fn: () => void) => { listeners.set(event, [...(listeners.get(event) ?? []), fn]) }
  }
  const fire = (event: string): void => { for (const fn of listeners.get(event) ?? []) fn() }
  return { node, connected, dials, failing, fire }
}

const newId = async (): Promise<string> => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

describe('Discovery', () => {
  const running: Discovery[] = []
  afterEach(() => { for (const d of running.splice(0)) d.stop() })

  it('redials a known member after its connection is lost, with no heartbeat or peer exchange from it', async () => {
    const f = await fakeNode()
    const other = await newId()
    f.connected.add(await newId()) // connected to someone: the bootstrap redial stays quiet
    const d = new Discovery({ bootstrap: [], maxConnections: 10, redialIntervalMs: 50, minBackoffMs: 10 }, { node: f.node, onError: () => {} })
    running.push(d)
    await d.start()
    d.learn(other, ['/ip4/127.0.0.1/tcp/4001'])
    await sleep(20)
    expect(f.connected.has(other)).toBe(true)

    // The link drops (a partition): the member is dialled again without hearing from it.
    f.connected.delete(other)
    f.failing.add(other)
    const before = f.dials.length
    await sleep(700)
    expect(f.dials.length).toBeGreaterThan(before)
    expect(d.disconnectedKnown()).toEqual([other])

    // The partition heals: the next redial connects.
    f.failing.delete(other)
    for (let i = 0; i < 40 && !f.connected.has(other); i++) await sleep(100)
    expect(f.connected.has(other)).toBe(true)
    expect(d.disconnectedKnown()).toEqual([])
  })

  it('backs off from a member that keeps failing', async () => {
    const f = await fakeNode()
    const dead = await newId()
    f.failing.add(dead)
    f.connected.add(await newId())
    const d = new Discovery({ bootstrap: [], maxConnections: 10, redialIntervalMs: 10, minBackoffMs: 500, maxRedialBackoffMs: 60_000 }, { node: f.node, onError: () => {} })
    running.push(d)
    await d.start()
    d.learn(dead, ['/ip4/127.0.0.1/tcp/4002'])
    await sleep(5000)
    // Redial rounds run every tick (here 10 ms): hundreds in 5 s. Waits of ~1, 2 and 4 s allow three or four.
    const n = f.dials.filter((x) => x === dead).length
    expect(n).toBeGreaterThanOrEqual(2)
    expect(n).toBeLessThanOrEqual(5)
  })

  it('connected, it sleeps through the redial interval; losing the last connection dials the bootstrap at once', async () => {
    const f = await fakeNode()
    const peer = await newId()
    f.connected.add(peer)
    const boot = '/ip4/127.0.0.1/tcp/4003'
    const d = new Discovery({ bootstrap: [multiaddr(boot)], maxConnections: 10, redialIntervalMs: 60_000 }, { node: f.node, onError: () => {} })
    running.push(d)
    await d.start()
    await sleep(50)
    expect(f.dials).toEqual([])
    f.connected.delete(peer)
    f.fire('peer:disconnect')
    await sleep(20)
    expect(f.dials).toEqual([boot])
  })
})
