/**
 * Heartbeats that reach most members through a relay. A member's heartbeat used to go from it to
 * every other member, so each daemon took N-1 messages an interval, each through pnet, Noise,
 * Yamux and gossipsub: most of an idle daemon's CPU at 50 members. Now one member of each beat
 * slot gathers its slot's heartbeats and sends them on as one `beats` message (node/daemon/
 * beat-relay.ts), and a receiver takes a slot's heartbeats in one message.
 *
 * Gossipsub's signature proves who sent a message, not who wrote what is inside it, so each
 * heartbeat carries its own node's signature: over the exact bytes its `heartbeat` gossip message
 * would have had, with a domain tag so no other signed thing of ours is ever valid as a beat. A
 * relay can delay or drop a heartbeat, not forge or alter one. Pure: no I/O.
 */
import { verify as edVerify } from 'node:crypto'
import { decodeGossip } from './codec.js'
import { SignatureError, ValidationError } from './errors.js'
import { nodePublicKeyFromId, publicKeyFromRaw } from './sign.js'
import type { SignedBeat, WireHeartbeat } from './types.js'

export const BEAT_DOMAIN = 'slm-beat-v1\n'
const DOMAIN_BYTES = Buffer.from(BEAT_DOMAIN)

/** Signs the encoded `heartbeat` gossip message `bytes` with the node's key. */
export function signBeat (bytes: Uint8Array, sign: (bytes: Uint8Array) => Uint8Array): SignedBeat {
  const sig = sign(Buffer.concat([DOMAIN_BYTES, bytes]))
  if (!(sig instanceof Uint8Array) || sig.byteLength !== 64) throw new ValidationError('an Ed25519 signer must return 64 bytes', 'sig')
  return { hb: Buffer.from(bytes).toString('base64url'), sig: Buffer.from(sig).toString('base64url') }
}

/**
 * The heartbeat inside a signed beat, after checking that its bytes decode to a heartbeat message
 * and that the node the heartbeat names signed them. ValidationError or SignatureError otherwise.
 */
export function openBeat (beat: SignedBeat): WireHeartbeat {
  const bytes = Buffer.from(beat.hb, 'base64url')
  const msg = decodeGossip(bytes)
  if (msg.kind !== 'heartbeat') throw new ValidationError(`a signed beat must hold a heartbeat, not a ${msg.kind} message`, 'beat.hb')
  const key = nodePublicKeyFromId(msg.heartbeat.origin)
  let ok: boolean
  try {
    ok = edVerify(null, Buffer.concat([DOMAIN_BYTES, bytes]), publicKeyFromRaw(key), Buffer.from(beat.sig, 'base64url'))
  } catch (err) {
    throw new SignatureError(`beat could not be verified: ${(err as Error).message}`)
  }
  if (!ok) throw new SignatureError('beat signature does not verify for the node its heartbeat names')
  return msg.heartbeat
}
