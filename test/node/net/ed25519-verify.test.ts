/**
 * libp2p's Ed25519 check with a cached key (node/net/ed25519-verify.ts): the same answers as the
 * library's own check, on real keys and signatures.
 */
import { describe, expect, it } from 'vitest'
import { generateKeyPair, publicKeyFromRaw } from '@libp2p/crypto/keys'
import { Uint8ArrayList } from 'uint8arraylist'
import { cachedEd25519Verify } from '../../../node/net/ed25519-verify.js'

describe('cached Ed25519 verify', () => {
  it('answers as the library does, for good, tampered and foreign signatures', async () => {
    const a = await generateKeyPair('Ed25519')
    const b = await generateKeyPair('Ed25519')
    const msg = new TextEncoder().encode('heartbeat from a')
    const sig = await a.sign(msg)
    const before = [a.publicKey.verify(msg, sig), a.publicKey.verify(msg.slice(1), sig), b.publicKey.verify(msg, sig)]
    cachedEd25519Verify()
    cachedEd25519Verify() // a second install is a no-op, not a double wrap
    const proto = Object.getPrototypeOf(a.publicKey)
    expect(proto[Symbol.for('slm.libp2p.ed25519CachedVerify')]).toBe(true)
    // A fresh key object from raw bytes (as gossipsub makes one per message) takes the patched path.
    const fresh = publicKeyFromRaw(a.publicKey.raw)
    const after = [fresh.verify(msg, sig), fresh.verify(msg.slice(1), sig), b.publicKey.verify(msg, sig)]
    expect(before).toEqual([true, false, false])
    expect(after).toEqual(before)
    // Data as a list of chunks, as the library's callers may pass.
    expect(fresh.verify(new Uint8ArrayList(msg.subarray(0, 5), msg.subarray(5)) as any, sig)).toBe(true)
    const flipped = Uint8Array.from(sig)
    flipped[10] ^= 1
    expect(fresh.verify(msg, flipped)).toBe(false)
  })

  it('leaves malformed input to the library, which refuses it the same way', async () => {
    cachedEd25519Verify()
    const a = await generateKeyPair('Ed25519')
    expect(() => a.publicKey.verify(new Uint8Array(3), new Uint8Array(12))).toThrow(/64 bytes/)
  })
})
