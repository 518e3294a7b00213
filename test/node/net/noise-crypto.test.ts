/**
 * Noise's cipher with cached session keys (node/net/noise-crypto.ts) against the library's own
 * default: either side can read the other's frames, at sizes on both sides of the switch to
 * Node's cipher, and a tampered frame or wrong key is refused.
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import { Uint8ArrayList } from 'uint8arraylist'
import { NODE_FROM_BYTES, noiseCrypto } from '../../../node/net/noise-crypto.js'

const bytes = (x: Uint8Array | Uint8ArrayList): Buffer => Buffer.from(x instanceof Uint8Array ? x : x.subarray())

describe('noise crypto with cached keys', () => {
  const k = randomBytes(32)
  const nonce = randomBytes(12)
  const ad = randomBytes(7)

  for (const size of [0, 100, NODE_FROM_BYTES - 1, NODE_FROM_BYTES, NODE_FROM_BYTES + 1, 3000, 70_000]) {
    it(`interoperates with the library's cipher at ${size} bytes`, () => {
      const plain = randomBytes(size)
      const ours = bytes(noiseCrypto.chaCha20Poly1305Encrypt(plain, nonce, ad, k))
      const theirs = bytes(defaultCrypto.chaCha20Poly1305Encrypt(plain, nonce, ad, k))
      expect(ours.equals(theirs)).toBe(true)
      expect(bytes(noiseCrypto.chaCha20Poly1305Decrypt(theirs, nonce, ad, k)).equals(plain)).toBe(true)
      expect(bytes(defaultCrypto.chaCha20Poly1305Decrypt(ours, nonce, ad, k)).equals(plain)).toBe(true)
      // Plaintext as a list of chunks.
      const list = new Uint8ArrayList(plain.subarray(0, size >> 1), plain.subarray(size >> 1))
      expect(bytes(noiseCrypto.chaCha20Poly1305Encrypt(list, nonce, ad, k)).equals(theirs)).toBe(true)
    })
  }

  it('refuses a tampered frame and a wrong key', () => {
    const plain = randomBytes(3000)
    const sealed = bytes(noiseCrypto.chaCha20Poly1305Encrypt(plain, nonce, ad, k))
    sealed[5] ^= 1
    expect(() => noiseCrypto.chaCha20Poly1305Decrypt(sealed, nonce, ad, k)).toThrow()
    sealed[5] ^= 1
    expect(() => noiseCrypto.chaCha20Poly1305Decrypt(sealed, nonce, ad, randomBytes(32))).toThrow()
  })

  it('notices a key array whose content changed', () => {
    const key = Uint8Array.from(randomBytes(32))
    const plain = randomBytes(2000)
    noiseCrypto.chaCha20Poly1305Encrypt(plain, nonce, ad, key)
    key.set(randomBytes(32))
    const sealed = bytes(noiseCrypto.chaCha20Poly1305Encrypt(plain, nonce, ad, key))
    expect(bytes(defaultCrypto.chaCha20Poly1305Decrypt(sealed, nonce, ad, key)).equals(plain)).toBe(true)
  })
})
