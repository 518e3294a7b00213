/**
 * Our fleet-key protector (node/net/pnet.ts) against @libp2p/pnet: the same keystream whatever
 * the chunking, so the two interoperate on the wire, and a host built with it connects to one
 * built with @libp2p/pnet under the same key and to nothing under another. The chaos hostile run
 * proves the reason it exists: thousands of junk connections no longer kill a daemon.
 */
import { createRequire } from 'node:module'
import { randomBytes } from 'node:crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { preSharedKey } from '@libp2p/pnet'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { afterEach, describe, expect, it } from 'vitest'
import { newFleetKey } from '../../../node/identity/index.js'
import { createHost, type SlmLibp2p } from '../../../node/net/index.js'
import { pskOf, XSalsa20Stream } from '../../../node/net/pnet.js'

// The cipher @libp2p/pnet runs (a CommonJS module of its own dependency tree).
const require = createRequire(import.meta.resolve('@libp2p/pnet'))
const reference = require('xsalsa20') as (nonce: Uint8Array, key: Uint8Array) => { update: (b: Uint8Array) => Uint8Array, finalize: () => void }

/** Piece sizes around the 64-byte block edges and past the socket read size, cycling by seed. */
function chunks (total: number, seed: number): number[] {
  const sizes = [0, 1, 63, 64, 65, 100, 4096, 70_000]
  const out: number[] = []
  for (let i = 0, left = total; left > 0; i++) {
    const n = Math.min(left, sizes[(i * seed + seed) % sizes.length])
    out.push(n)
    left -= n
  }
  return out
}

describe('XSalsa20Stream', () => {
  it.each([1, 2, 3, 4, 5])('gives the keystream of @libp2p/pnet\'s cipher whatever the chunking (seed %i)', (seed) => {
    const key = randomBytes(32)
    const nonce = randomBytes(24)
    const data = randomBytes(300_000)
    const ours = new XSalsa20Stream(key, nonce)
    const theirs = reference(nonce, key)
    let at = 0
    for (const n of chunks(data.length, seed)) {
      const piece = data.subarray(at, at + n)
      expect(Buffer.from(ours.update(piece)).equals(Buffer.from(theirs.update(piece)))).toBe(true)
      at += n
    }
    theirs.finalize()
  })

  it('refuses keys and nonces of the wrong length', () => {
    expect(() => new XSalsa20Stream(new Uint8Array(31), new Uint8Array(24))).toThrow(/32 bytes/)
    expect(() => new XSalsa20Stream(new Uint8Array(32), new Uint8Array(8))).toThrow(/24 bytes/)
  })

  it('reads the 32 key bytes of a pnet key file, and nothing else', () => {
    const file = newFleetKey()
    const hex = new TextDecoder().decode(file).split('\n')[2]
    expect(Buffer.from(pskOf(file)).toString('hex')).toBe(hex.toLowerCase())
    expect(() => pskOf(new TextEncoder().encode('/key/swarm/psk/1.0.0/\n/base16/\nzz'))).toThrow(/pnet v1/)
  })
})

describe('fleet-key protector on the wire', () => {
  const stop: Array<() => Promise<void> | void> = []
  afterEach(async () => { for (const s of stop.splice(0)) await s() })

  async function ours (key: Uint8Array): Promise<SlmLibp2p> {
    const node = await createHost({ privateKey: await generateKeyPair('Ed25519'), fleetKey: key, listen: ['/ip4/127.0.0.1/tcp/0'] })
    await node.start()
    stop.push(async () => { await node.stop() })
    return node
  }

  async function upstream (key: Uint8Array): Promise<Libp2p> {
    const node = await createLibp2p({
      privateKey: await generateKeyPair('Ed25519'),
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionProtector: preSharedKey({ psk: key }),
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()]
    })
    stop.push(async () => { await node.stop() })
    return node
  }

  it('connects to a @libp2p/pnet peer under the same key, both ways', async () => {
    const key = newFleetKey()
    const a = await ours(key)
    const b = await upstream(key)
    const ab = await a.dial(b.getMultiaddrs()[0], { signal: AbortSignal.timeout(10_000) })
    expect(ab.status).toBe('open')
    await ab.close()
    const ba = await b.dial(a.getMultiaddrs()[0], { signal: AbortSignal.timeout(10_000) })
    expect(ba.status).toBe('open')
  })

  it('does not connect under another key', async () => {
    const a = await ours(newFleetKey())
    const b = await upstream(newFleetKey())
    await expect(b.dial(a.getMultiaddrs()[0], { signal: AbortSignal.timeout(5000) })).rejects.toThrow()
    await expect(a.dial(b.getMultiaddrs()[0], { signal: AbortSignal.timeout(5000) })).rejects.toThrow()
    expect(a.getConnections()).toHaveLength(0)
  })
})
