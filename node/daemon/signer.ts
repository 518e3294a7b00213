/**
 * A synchronous Ed25519 signer over the node's libp2p key. libp2p's `PrivateKey.sign` may return a
 * promise; the store signs inside its write path, so we sign with node:crypto directly (the same
 * key: libp2p's raw Ed25519 private key is seed ‖ public key).
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto'
import type { PrivateKey } from '@libp2p/interface'

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

export function nodeKeyObject (key: PrivateKey): KeyObject {
  if (key.type !== 'Ed25519') throw new Error(`node key must be Ed25519, got ${key.type}`)
  const seed = key.raw.subarray(0, 32)
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' })
}

export function nodeSigner (key: PrivateKey): (bytes: Uint8Array) => Uint8Array {
  const ko = nodeKeyObject(key)
  return (bytes) => new Uint8Array(sign(null, bytes, ko))
}
