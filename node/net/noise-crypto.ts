/**
 * Noise's ChaCha20-Poly1305 with each session key parsed once. @chainsafe/libp2p-noise 17 hands
 * Node's cipher a raw key for every frame of 1200 bytes or more, and Node then parses it into a
 * key object (constructing and catching a TypeError on the way): ~27 us per 3 KiB frame against
 * ~8 us with a KeyObject made once per session key. Frames under NODE_FROM_BYTES keep the
 * library's WebAssembly cipher, which is faster there. Everything else (hashing, X25519, HKDF) is
 * the library's default; this is its documented `crypto` option, not a patch.
 */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto'
import type { ICryptoInterface } from '@chainsafe/libp2p-noise'
import { asCrypto, defaultCrypto } from '@chainsafe/libp2p-noise/crypto'

/** Below this the WebAssembly cipher wins (measured: equal at ~600 B, 3x slower at 3 KiB). */
export const NODE_FROM_BYTES = 600
const CHACHA = 'chacha20-poly1305'
const TAG_BYTES = 16

type Bytes = Parameters<ICryptoInterface['chaCha20Poly1305Encrypt']>[0]

/** The KeyObject for a session key, by the key's own array (a session keeps one), checked by content. */
const keys = new WeakMap<Uint8Array, { copy: Buffer, key: KeyObject }>()

function keyOf (k: Uint8Array): KeyObject {
  const hit = keys.get(k)
  if (hit != null && hit.copy.equals(k)) return hit.key
  const copy = Buffer.from(k)
  const key = createSecretKey(copy)
  keys.set(k, { copy, key })
  return key
}

function chunks (data: Bytes): Uint8Array[] {
  return data instanceof Uint8Array ? [data] : [...data]
}

function encrypt (plaintext: Bytes, nonce: Uint8Array, ad: Uint8Array, k: Uint8Array): Uint8Array {
  const cipher = createCipheriv(CHACHA, keyOf(k), nonce, { authTagLength: TAG_BYTES })
  cipher.setAAD(ad, { plaintextLength: plaintext.byteLength })
  const parts = chunks(plaintext).map(c => cipher.update(c))
  parts.push(cipher.final(), cipher.getAuthTag())
  return Buffer.concat(parts)
}

function decrypt (ciphertext: Bytes, nonce: Uint8Array, ad: Uint8Array, k: Uint8Array): Uint8Array {
  const bytes = ciphertext instanceof Uint8Array ? ciphertext : ciphertext.subarray()
  const decipher = createDecipheriv(CHACHA, keyOf(k), nonce, { authTagLength: TAG_BYTES })
  const text = bytes.subarray(0, bytes.byteLength - TAG_BYTES)
  decipher.setAAD(ad, { plaintextLength: text.byteLength })
  decipher.setAuthTag(bytes.subarray(bytes.byteLength - TAG_BYTES))
  const out = decipher.update(text)
  const final = decipher.final()
  return final.byteLength > 0 ? Buffer.concat([out, final]) : out
}

export const noiseCrypto: ICryptoInterface = {
  ...defaultCrypto,
  chaCha20Poly1305Encrypt (plaintext, nonce, ad, k) {
    if (plaintext.byteLength < NODE_FROM_BYTES) return asCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k)
    return encrypt(plaintext, nonce, ad, k)
  },
  chaCha20Poly1305Decrypt (ciphertext, nonce, ad, k, dst) {
    if (ciphertext.byteLength < NODE_FROM_BYTES + TAG_BYTES) return asCrypto.chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst)
    return decrypt(ciphertext, nonce, ad, k)
  }
}
