/**
 * node/net/direct-signer.ts on a real gossipsub instance (from createHost) and real Ed25519 keys:
 * a message validated as received straight from its signer skips the signature arithmetic, one
 * relayed by another peer is checked as before (a spoiled signature is refused), and the shortcut
 * ends with the validation call. It drives the library's own `validateReceivedMessage`, so it
 * fails if a new version stops calling verify where the patch expects it.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { RPC } from '@libp2p/gossipsub/message'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { channelVerified } from '../../../node/net/ed25519-verify.js'
import { newFleetKey } from '../../../node/identity/fleet-key.js'
import { createHost, type SlmLibp2p } from '../../../node/net/index.js'

const TOPIC = 'slm/test'
const PREFIX = new TextEncoder().encode('libp2p-pubsub:')
let host: SlmLibp2p
let x: { key: PrivateKey, id: PeerId }
let y: { key: PrivateKey, id: PeerId }
let seq = 0

beforeAll(async () => {
  host = await createHost({ privateKey: await generateKeyPair('Ed25519'), fleetKey: newFleetKey(), listen: ['/ip4/127.0.0.1/tcp/0'] })
  const make = async (): Promise<{ key: PrivateKey, id: PeerId }> => { const key = await generateKeyPair('Ed25519'); return { key, id: peerIdFromPrivateKey(key) } }
  x = await make()
  y = await make()
})
afterAll(async () => { await host?.stop() })

/** A StrictSign message from `signer`, its signature spoiled if asked (same length, wrong bytes). */
async function message (signer: { key: PrivateKey, id: PeerId }, spoil = false): Promise<RPC.Message> {
  const seqno = new Uint8Array(8)
  new DataView(seqno.buffer).setBigUint64(0, BigInt(++seq))
  const unsigned = { from: signer.id.toMultihash().bytes, data: new TextEncoder().encode(`hello ${seq}`), seqno, topic: TOPIC }
  const bytes = new Uint8Array([...PREFIX, ...RPC.Message.encode(unsigned)])
  const signature = await signer.key.sign(bytes)
  if (spoil) signature[7] ^= 1
  return { ...unsigned, signature }
}

async function validate (source: PeerId, msg: RPC.Message): Promise<string> {
  const pubsub = host.services.pubsub as unknown as { validateReceivedMessage: (s: PeerId, m: RPC.Message) => Promise<{ code: string }> }
  return (await pubsub.validateReceivedMessage(source, msg)).code
}

describe('gossipsub signatures of messages straight from their signer', () => {
  it('straight from the signer: accepted without the arithmetic, a broken signature too (the channel proved the sender)', async () => {
    const before = channelVerified.count
    expect(await validate(x.id, await message(x))).toBe('valid')
    expect(await validate(x.id, await message(x, true))).toBe('valid')
    expect(channelVerified.count - before).toBe(2)
  })

  it('relayed by another peer: checked as before, so a spoiled signature is refused', async () => {
    const before = channelVerified.count
    expect(await validate(y.id, await message(x))).toBe('valid')
    expect(await validate(y.id, await message(x, true))).toBe('invalid')
    expect(channelVerified.count).toBe(before)
  })

  it('the shortcut lasts only for the validation call', async () => {
    await validate(x.id, await message(x))
    const msg = new TextEncoder().encode('after')
    const sig = await x.key.sign(msg)
    sig[3] ^= 1
    expect(await x.key.publicKey.verify(msg, sig)).toBe(false)
  })
})
