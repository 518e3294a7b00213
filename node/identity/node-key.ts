/**
 * The node's identity: a libp2p Ed25519 key in `<stateDir>/node.key` (protobuf-encoded, as
 * libp2p's keychain stores it). Node id = PeerId. Created once; never regenerated if present,
 * because every signed event and the whole fleet's view of this node hang off that id.
 */
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { join } from 'node:path'
import { KeyFileError } from './errors.js'
import { createSecretFile, ensureDir, readIfExists } from './files.js'
import type { Ed25519PrivateKey, PeerId, PrivateKey } from '@libp2p/interface'

export const NODE_KEY_FILE = 'node.key'

export interface NodeKey {
  privateKey: Ed25519PrivateKey
  peerId: PeerId
  /** PeerId string */
  nodeId: string
  path: string
  /** True when this call generated the key. */
  created: boolean
}

export function nodeKeyPath (dir: string): string {
  return join(dir, NODE_KEY_FILE)
}

export function nodeIdOf (key: PrivateKey): string {
  return peerIdFromPrivateKey(key).toString()
}

function decode (bytes: Uint8Array, path: string): Ed25519PrivateKey {
  let key: PrivateKey
  try {
    key = privateKeyFromProtobuf(bytes)
  } catch (err) {
    throw new KeyFileError('ERR_NODE_KEY_INVALID', path, 'not a libp2p private key (protobuf); refusing to replace it', { cause: err })
  }
  if (key.type !== 'Ed25519') {
    throw new KeyFileError('ERR_NODE_KEY_INVALID', path, `node keys are Ed25519, this one is ${key.type}`)
  }
  return key
}

function wrap (privateKey: Ed25519PrivateKey, path: string, created: boolean): NodeKey {
  const peerId = peerIdFromPrivateKey(privateKey)
  return { privateKey, peerId, nodeId: peerId.toString(), path, created }
}

/** Loads `<dir>/node.key`; throws ERR_NO_NODE_KEY when the node has not been initialised. */
export async function loadNodeKey (dir: string): Promise<NodeKey> {
  const path = nodeKeyPath(dir)
  const bytes = await readIfExists(path)
  if (bytes == null) throw new KeyFileError('ERR_NO_NODE_KEY', path, 'no node key; run `slm init` first')
  return wrap(decode(bytes, path), path, false)
}

/** Loads the node key, generating it (0600, atomically, no-clobber) only when absent. */
export async function loadOrCreateNodeKey (dir: string): Promise<NodeKey> {
  const path = nodeKeyPath(dir)
  const existing = await readIfExists(path)
  if (existing != null) return wrap(decode(existing, path), path, false)

  await ensureDir(dir)
  const fresh = await generateKeyPair('Ed25519')
  if (await createSecretFile(path, privateKeyToProtobuf(fresh))) return wrap(fresh, path, true)
  // Lost a race with another init: the key on disk wins, ours is discarded.
  return await loadNodeKey(dir)
}
