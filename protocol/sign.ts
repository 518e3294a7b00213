/**
 * Ed25519 signatures over canonical JSON (RFC 8785), with node:crypto only. What is signed is a
 * domain tag plus the canonical bytes of the value without `sig`: the tag keeps a command
 * signature from ever being valid as an event signature, or as anything a future version signs
 * (PITFALLS "Signing").
 *
 * Operators hold PKCS#8 PEM keys and are named by `ed25519:<base64url raw 32 bytes>`. Nodes sign
 * with their libp2p key, whose public half is inside the node id, so any peer can check an event
 * relayed by a third party without a key directory.
 */
import {
  createPrivateKey, createPublicKey, generateKeyPairSync, sign as edSign, verify as edVerify, type KeyObject
} from 'node:crypto'
import { base58btc } from 'multiformats/bases/base58'
import { canonicalJson } from './canonical.js'
import { SignatureError, ValidationError } from './errors.js'
import { validateUnsignedCommand, validateUnsignedNodeEvent } from './schema.js'
import type { CommandEnvelope, NodeEvent, UnsignedCommand, UnsignedNodeEvent } from './types.js'

export const COMMAND_DOMAIN = 'slm-command-v1\n'
export const EVENT_DOMAIN = 'slm-event-v1\n'
export const OPERATOR_KEY_PREFIX = 'ed25519:'

/** DER SubjectPublicKeyInfo header for an Ed25519 key (RFC 8410); the raw 32 bytes follow. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const OPERATOR_KEY = /^ed25519:[A-Za-z0-9_-]{43}$/
const SIGNATURE = /^[A-Za-z0-9_-]{86}$/
const encoder = new TextEncoder()

export interface OperatorKeyPair {
  /** PKCS#8 PEM: what `slm keygen` writes to a 0600 file. */
  privateKeyPem: string
  /** `ed25519:<base64url of raw 32 bytes>` */
  publicKey: string
}

export function generateOperatorKey (): OperatorKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: formatOperatorKey(publicKey)
  }
}

/** The public key of a PEM private key; ValidationError if it is not an Ed25519 private key. */
export function operatorPublicKeyFromPem (pem: string): string {
  return formatOperatorKey(createPublicKey(loadPrivateKey(pem)))
}

/** Raw 32 bytes of an `ed25519:<base64url>` operator key. */
export function parseOperatorPublicKey (s: unknown): Uint8Array {
  if (typeof s !== 'string' || !OPERATOR_KEY.test(s)) {
    throw new ValidationError('expected an operator key "ed25519:<base64url of 32 bytes>"', 'issuer')
  }
  const raw = Buffer.from(s.slice(OPERATOR_KEY_PREFIX.length), 'base64url')
  // 43 chars carry 258 bits; the spare two must be zero or two strings would name one key.
  if (raw.byteLength !== 32 || raw.toString('base64url') !== s.slice(OPERATOR_KEY_PREFIX.length)) {
    throw new ValidationError('operator key is not the canonical base64url of 32 bytes', 'issuer')
  }
  return new Uint8Array(raw)
}

export function commandSigningBytes (unsigned: UnsignedCommand): Uint8Array {
  return tagged(COMMAND_DOMAIN, unsigned)
}

/**
 * Signs a command. The issuer must be the key's own public key: a mismatch can only be a bug, and
 * every node would reject the result.
 */
export function signCommand (unsigned: UnsignedCommand, privateKeyPem: string): CommandEnvelope {
  const key = loadPrivateKey(privateKeyPem)
  const cmd = validateUnsignedCommand(stripSig(unsigned))
  const own = formatOperatorKey(createPublicKey(key))
  if (cmd.issuer !== own) {
    throw new ValidationError(`issuer ${cmd.issuer} is not the signing key's public key ${own}`, 'issuer', 'ERR_ISSUER_MISMATCH')
  }
  return { ...cmd, sig: Buffer.from(edSign(null, commandSigningBytes(cmd), key)).toString('base64url') }
}

/**
 * Throws SignatureError unless `sig` is the issuer's signature over the rest of the envelope.
 * Checks the signature only: expiry, trust and replay are the caller's (node/commands/check.ts).
 */
export function verifyCommand (env: CommandEnvelope): void {
  let raw: Uint8Array
  try {
    raw = parseOperatorPublicKey(env.issuer)
  } catch (err) {
    throw new SignatureError(`command issuer is not a usable key: ${(err as Error).message}`, 'ERR_BAD_KEY')
  }
  const { sig, ...unsigned } = env
  check(sig, () => commandSigningBytes(unsigned), raw, 'command')
}

export function eventSigningBytes (unsigned: UnsignedNodeEvent): Uint8Array {
  return tagged(EVENT_DOMAIN, unsigned)
}

/**
 * Signs a node event with the node's own key; `sign` is the libp2p private key's, e.g.
 * `(b) => privateKey.sign(b) as Uint8Array` (synchronous for Ed25519 under Node).
 */
export function signEvent (unsigned: UnsignedNodeEvent, sign: (bytes: Uint8Array) => Uint8Array): NodeEvent {
  const ev = validateUnsignedNodeEvent(stripSig(unsigned))
  return withSig(ev, sign(eventSigningBytes(ev)))
}

/** `signEvent` for signers that return a promise (libp2p's `PrivateKey.sign` type allows one). */
export async function signEventAsync (unsigned: UnsignedNodeEvent, sign: (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>): Promise<NodeEvent> {
  const ev = validateUnsignedNodeEvent(stripSig(unsigned))
  return withSig(ev, await sign(eventSigningBytes(ev)))
}

/** Throws SignatureError unless `event.sig` verifies under the given raw Ed25519 key. */
export function verifyEvent (event: NodeEvent, publicKeyRaw32: Uint8Array): void {
  if (!(publicKeyRaw32 instanceof Uint8Array) || publicKeyRaw32.byteLength !== 32) {
    throw new SignatureError('node public key must be 32 raw Ed25519 bytes', 'ERR_BAD_KEY')
  }
  const { sig, ...unsigned } = event
  check(sig, () => eventSigningBytes(unsigned as UnsignedNodeEvent), publicKeyRaw32, 'event')
}

/**
 * An Ed25519 node id, decoded: the identity multihash (code 0x00, 36 bytes) of libp2p's protobuf
 * PublicKey { Type: Ed25519 (field 1 = 1), Data (field 2): 32 bytes }; base58btc makes it the
 * `12D3KooW...` string that `peerId.toString()` gives.
 */
const ED25519_ID_PREFIX = Uint8Array.of(0x00, 0x24, 0x08, 0x01, 0x12, 0x20)
const ED25519_ID_BYTES = ED25519_ID_PREFIX.length + 32

/**
 * The Ed25519 public key inside a libp2p node id, in the form node ids take (`peerId.toString()`).
 * ValidationError for anything else: other key types, and other spellings of a peer id (a CID, a
 * leading `z`), so one key has one name. Decoded here rather than with @libp2p/peer-id, whose
 * import (libp2p's crypto) was most of a signed CLI command's start-up time.
 */
export function nodePublicKeyFromId (nodeId: string): Uint8Array {
  let bytes: Uint8Array
  try {
    bytes = base58btc.baseDecode(nodeId)
  } catch (err) {
    throw new ValidationError(`not a libp2p peer id: ${(err as Error).message}`, 'nodeId')
  }
  if (bytes.byteLength !== ED25519_ID_BYTES || ED25519_ID_PREFIX.some((b, i) => bytes[i] !== b)) {
    throw new ValidationError('node ids must be the base58 peer id of an Ed25519 key (12D3KooW...)', 'nodeId')
  }
  return bytes.slice(ED25519_ID_PREFIX.length)
}

function check (sig: unknown, bytes: () => Uint8Array, raw: Uint8Array, what: string): void {
  if (typeof sig !== 'string' || !SIGNATURE.test(sig)) {
    throw new SignatureError(`${what} signature must be 64 bytes of base64url (86 chars)`, 'ERR_SIGNATURE_FORMAT')
  }
  const sigBytes = Buffer.from(sig, 'base64url')
  // 86 chars carry 516 bits; non-zero spare bits would give one signature several spellings.
  if (sigBytes.toString('base64url') !== sig) {
    throw new SignatureError(`${what} signature is not canonical base64url`, 'ERR_SIGNATURE_FORMAT')
  }
  let ok: boolean
  try {
    ok = edVerify(null, bytes(), publicKeyFromRaw(raw), sigBytes)
  } catch (err) {
    throw new SignatureError(`${what} could not be verified: ${(err as Error).message}`)
  }
  if (!ok) throw new SignatureError(`${what} signature does not verify for its claimed signer`)
}

function tagged (domain: string, value: unknown): Uint8Array {
  const body = canonicalJson(value)
  return encoder.encode(domain + body)
}

/**
 * Parsed public keys by their raw bytes: building a KeyObject cost more than the Ed25519 check
 * itself, and a replica verifies the same few signers' events over and over. Bounded; the oldest
 * entry goes first.
 */
const publicKeys = new Map<string, KeyObject>()
const MAX_CACHED_KEYS = 4096

/** A raw 32-byte Ed25519 public key as a Node KeyObject, cached (also used for libp2p's checks). */
export function publicKeyFromRaw (raw: Uint8Array): KeyObject {
  const id = Buffer.from(raw).toString('base64')
  let key = publicKeys.get(id)
  if (key == null) {
    key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' })
    if (publicKeys.size >= MAX_CACHED_KEYS) publicKeys.delete(publicKeys.keys().next().value as string)
    publicKeys.set(id, key)
  }
  return key
}

function formatOperatorKey (key: KeyObject): string {
  const der = key.export({ type: 'spki', format: 'der' })
  return OPERATOR_KEY_PREFIX + der.subarray(ED25519_SPKI_PREFIX.byteLength).toString('base64url')
}

function loadPrivateKey (pem: string): KeyObject {
  let key: KeyObject
  try {
    key = createPrivateKey(pem)
  } catch (err) {
    throw new ValidationError(`not a private key in PEM form: ${(err as Error).message}`, 'privateKey')
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ValidationError(`operator keys are Ed25519, this one is ${key.asymmetricKeyType ?? 'unknown'}`, 'privateKey')
  }
  return key
}

/** Callers sometimes re-sign an envelope they hold; the old `sig` must not be signed over. */
function stripSig<T extends object> (value: T): T {
  if (value == null || typeof value !== 'object' || !('sig' in value)) return value
  const { sig: _sig, ...rest } = value as T & { sig: unknown }
  return rest as T
}

function withSig (ev: UnsignedNodeEvent, sig: Uint8Array): NodeEvent {
  if (!(sig instanceof Uint8Array) || sig.byteLength !== 64) {
    throw new ValidationError('an Ed25519 signer must return 64 bytes', 'sig')
  }
  return { ...ev, sig: Buffer.from(sig).toString('base64url') } as NodeEvent
}
