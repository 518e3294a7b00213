/**
 * The one wire encoding: UTF-8 JSON of an envelope carrying `v: PROTOCOL_VERSION`. Decoding runs
 * the same steps for every message, cheapest first, so hostile bytes cost little: size, UTF-8,
 * JSON, version, then schema. Decoders throw only ValidationError, with code `ERR_TOO_LARGE`,
 * `ERR_DECODE`, `ERR_VERSION` or `ERR_VALIDATION`.
 *
 * Encoders validate too: a node must never send what its peers would reject, and catching it at
 * the sender points at the bug instead of at a silent drop on every other node.
 */
import { ValidationError } from './errors.js'
import { isBriefHeartbeatMessage } from './schema/brief-check.js'
import {
  validateCommand, validateGossipMessage, validateSyncRequest, validateSyncResponse
} from './schema.js'
import { PROTOCOL_VERSION, type CommandEnvelope, type GossipMessage, type SyncRequest, type SyncResponse } from './types.js'

const KiB = 1024
const MiB = 1024 * KiB
/** One gossipsub message: a heartbeat, an event or a command. */
export const MAX_GOSSIP_BYTES = 256 * KiB
/** One signed command, from a file, the control socket or gossip. */
export const MAX_COMMAND_BYTES = 64 * KiB
/** One anti-entropy request; `commands.have` lists are the largest part. */
export const MAX_SYNC_REQUEST_BYTES = 2 * MiB
/** One anti-entropy batch. */
export const MAX_SYNC_RESPONSE_BYTES = 4 * MiB

const utf8 = new TextDecoder('utf-8', { fatal: true })
const encoder = new TextEncoder()

export function encodeGossip (msg: GossipMessage): Uint8Array {
  return encode(validateGossipMessage(msg), MAX_GOSSIP_BYTES, 'gossip message')
}

export function decodeGossip (bytes: Uint8Array): GossipMessage {
  const value = decodeEnvelope(bytes, MAX_GOSSIP_BYTES, 'gossip message')
  // Brief heartbeats, most of the traffic, pass by their fast check (schema/brief-check.ts); it
  // runs only here, on what JSON.parse made: plain data, with no getters, proxies or holes.
  return isBriefHeartbeatMessage(value) ? value : validateGossipMessage(value)
}

export function encodeSyncRequest (req: SyncRequest): Uint8Array {
  return encode(validateSyncRequest(req), MAX_SYNC_REQUEST_BYTES, 'sync request')
}

export function decodeSyncRequest (bytes: Uint8Array): SyncRequest {
  return validateSyncRequest(decodeEnvelope(bytes, MAX_SYNC_REQUEST_BYTES, 'sync request'))
}

export function encodeSyncResponse (res: SyncResponse): Uint8Array {
  return encode(validateSyncResponse(res), MAX_SYNC_RESPONSE_BYTES, 'sync response')
}

export function decodeSyncResponse (bytes: Uint8Array): SyncResponse {
  return validateSyncResponse(decodeEnvelope(bytes, MAX_SYNC_RESPONSE_BYTES, 'sync response'))
}

export function encodeCommand (cmd: CommandEnvelope): Uint8Array {
  return encode(validateCommand(cmd), MAX_COMMAND_BYTES, 'command')
}

/** A command from any source: raw bytes, or text (a file, a control request). */
export function decodeCommand (input: Uint8Array | string): CommandEnvelope {
  if (typeof input === 'string') {
    // A UTF-16 unit is at least one UTF-8 byte, so a long string is too large without encoding it.
    if (input.length > MAX_COMMAND_BYTES) throw tooLarge('command', input.length, MAX_COMMAND_BYTES)
    input = encoder.encode(input)
  }
  return validateCommand(decodeEnvelope(input, MAX_COMMAND_BYTES, 'command'))
}

/**
 * Size, UTF-8, JSON and version checks shared by every decoder; the schema is the caller's.
 * Exported for wire formats outside this module that want the same guarantees.
 */
export function decodeEnvelope (bytes: unknown, maxBytes: number, what: string): Record<string, unknown> {
  if (!(bytes instanceof Uint8Array)) throw new ValidationError(`${what}: expected bytes`, '', 'ERR_DECODE')
  if (bytes.byteLength > maxBytes) throw tooLarge(what, bytes.byteLength, maxBytes)
  let value: unknown
  try {
    value = JSON.parse(utf8.decode(bytes))
  } catch (err) {
    throw new ValidationError(`${what} is not UTF-8 JSON: ${(err as Error).message}`, '', 'ERR_DECODE')
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError(`${what} must be a JSON object`, '', 'ERR_DECODE')
  }
  const v = (value as Record<string, unknown>).v
  if (v !== PROTOCOL_VERSION) {
    throw new ValidationError(
      `${what} has protocol version ${describeVersion(v)}; this node speaks v${PROTOCOL_VERSION}`,
      'v', 'ERR_VERSION')
  }
  return value as Record<string, unknown>
}

/**
 * The version a peer sent, for an error message: scalars as JSON, at most 40 characters, anything
 * else by its type. Stringifying whatever arrived would recurse through a hostile, deeply nested
 * `v` (a RangeError, not a ValidationError) or put megabytes into the message.
 */
function describeVersion (v: unknown): string {
  if (v === undefined) return 'none'
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)
  return Array.isArray(v) ? 'an array' : `a ${typeof v}`
}

function encode (value: unknown, maxBytes: number, what: string): Uint8Array {
  const bytes = encoder.encode(JSON.stringify(value))
  if (bytes.byteLength > maxBytes) throw tooLarge(what, bytes.byteLength, maxBytes)
  return bytes
}

function tooLarge (what: string, size: number, max: number): ValidationError {
  return new ValidationError(`${what} is ${size} bytes; at most ${max} are allowed`, '', 'ERR_TOO_LARGE')
}
