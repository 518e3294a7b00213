/**
 * Every decoder and validator that untrusted bytes or values reach, as fuzz targets: the protocol
 * decoders and schemas, the signature and id parsers, and the daemon code that consumes what they
 * return (gossip origin check, sync planning, the sync server's answer, command checks). A target
 * runs one input and throws a `FuzzFinding` when anything but the documented error escapes or an
 * invariant breaks (what decodes must re-encode and decode to the same value).
 *
 * Shared by the time-budgeted fuzz pass of `npm run chaos` and the corpus regression test.
 */
import { isDeepStrictEqual } from 'node:util'
import {
  decodeCommand, decodeGossip, decodeSyncRequest, decodeSyncResponse, encodeCommand, encodeGossip,
  encodeSyncRequest, encodeSyncResponse
} from '../../../protocol/codec.js'
import { canonicalJson } from '../../../protocol/canonical.js'
import { SignatureError, ValidationError } from '../../../protocol/errors.js'
import { HybridClock, parseHlc } from '../../../protocol/hlc.js'
import * as schema from '../../../protocol/schema.js'
import { nodePublicKeyFromId, parseOperatorPublicKey, verifyCommand, verifyEvent } from '../../../protocol/sign.js'
import type { CommandEnvelope, NodeEvent, SyncDigest } from '../../../protocol/types.js'
import { checkCommand } from '../../../node/commands/check.js'
import { checkOrigin } from '../../../node/net/gossip.js'
import { AntiEntropy } from '../../../node/sync/anti-entropy.js'
import { planSync } from '../../../node/sync/plan.js'
import * as s from '../../protocol/samples.js'

/** Something escaped that should not have, or an invariant broke. */
export class FuzzFinding extends Error {
  readonly target: string
  readonly original?: unknown

  constructor (target: string, message: string, original?: unknown) {
    super(`${target}: ${message}`)
    this.target = target
    this.original = original
    this.name = 'FuzzFinding'
  }
}

export type InputKind = 'bytes' | 'value'

export interface FuzzTarget {
  name: string
  input: InputKind
  /** Valid inputs the mutators start from. */
  seeds: () => unknown[]
  /**
   * Runs one input; returns a short label of the path it took (`ok`, or the error's code and
   * field path), which the fuzzer uses as a cheap coverage signal. Throws FuzzFinding.
   */
  run: (input: unknown) => string
}

const enc = new TextEncoder()

function describe (err: unknown): string {
  return `${(err as Error)?.constructor?.name ?? typeof err}: ${String((err as Error)?.message ?? err).slice(0, 300)}`
}

/** The error's code and field path with array indices folded, e.g. `ERR_VALIDATION@heartbeat.addrs[]`. */
function feature (err: ValidationError | SignatureError): string {
  const path = err instanceof ValidationError ? err.path.replace(/\[\d+\]|\.\d+(?=\.|$)/g, '[]') : ''
  return `${err.code}@${path}`
}

/** Runs `fn`; only `allowed` errors may escape, and they become a feature label. */
function guarded (target: string, fn: () => string, allowed: Array<typeof ValidationError | typeof SignatureError> = [ValidationError]): string {
  try {
    return fn()
  } catch (err) {
    if (err instanceof FuzzFinding) throw err
    if (allowed.some((cls) => err instanceof cls)) return feature(err as ValidationError)
    throw new FuzzFinding(target, `threw ${describe(err)}`, err)
  }
}

/** Nothing at all may escape `fn` (it returns verdicts, not errors). */
function total (target: string, what: string, fn: () => void): void {
  try {
    fn()
  } catch (err) {
    if (err instanceof FuzzFinding) throw err
    throw new FuzzFinding(target, `${what} threw ${describe(err)}`, err)
  }
}

/** A decoded value re-encodes, and the encoding decodes to the same value. */
function roundTrip<T> (target: string, value: T, encode: (v: T) => Uint8Array, decode: (b: Uint8Array) => T): void {
  let bytes: Uint8Array
  try {
    bytes = encode(value)
  } catch (err) {
    throw new FuzzFinding(target, `decoded but does not re-encode: ${describe(err)}`, err)
  }
  let again: T
  try {
    again = decode(bytes)
  } catch (err) {
    throw new FuzzFinding(target, `re-encoding does not decode: ${describe(err)}`, err)
  }
  if (!isDeepStrictEqual(again, value)) throw new FuzzFinding(target, 'decode(encode(x)) differs from x')
  total(target, 'canonicalJson', () => { canonicalJson(value) })
}

function checkEventSignature (target: string, e: NodeEvent): void {
  guarded(target, () => { verifyEvent(e, nodePublicKeyFromId(e.origin)); return 'ok' }, [ValidationError, SignatureError])
}

function checkCommandSignature (target: string, c: CommandEnvelope): void {
  guarded(target, () => { verifyCommand(c); return 'ok' }, [ValidationError, SignatureError])
}

const trust = new Map([[s.OPERATOR.publicKey, s.sampleTrustEntry({ key: s.OPERATOR.publicKey, role: 'admin' })]])
const clock = new HybridClock(() => s.T0)
const commandContext = { trust: (k: string) => trust.get(k), seen: () => false, now: s.T0, skewMs: 30_000 }

/** The daemon's sync server over a fixed replica: what it answers must always encode. */
const server = new AntiEntropy({ intervalMs: 1000 }, {
  node: undefined as never,
  store: {
    syncDigest: () => s.sampleDigest(),
    eventsFrom: (origin, fromSeq, limit) => origin === s.NODE_A.nodeId ? [s.sampleEvent('transition', { seq: Math.max(1, fromSeq) })].slice(0, Math.max(0, limit)) : [],
    ingestEvents: async () => ({ stored: 0 }),
    commandIds: () => [s.ULID_A],
    commandsExcept: (have, limit) => ({ commands: s.sampleCommands().filter((c) => !have.has(c.id)).slice(0, Math.max(0, limit)), more: false })
  },
  onCommand: async () => {},
  onReject: () => {},
  onPulled: () => {},
  onError: () => {}
})

const LOCAL_DIGEST: SyncDigest = s.sampleDigest()

/**
 * A decoder as a target: bytes in; what decodes must round-trip, then `after` runs the code that
 * consumes the decoded value and returns a label. `before` sees the raw bytes first.
 */
function decoderTarget<T> (name: string, codec: { decode: (b: Uint8Array) => T, encode: (v: T) => Uint8Array, samples: () => T[] }, after: (v: T) => string, before?: (b: Uint8Array) => void): FuzzTarget {
  return {
    name,
    input: 'bytes',
    seeds: () => codec.samples().map(codec.encode),
    run: (input) => {
      before?.(input as Uint8Array)
      return guarded(name, () => {
        const value = codec.decode(input as Uint8Array)
        roundTrip(name, value, codec.encode, codec.decode)
        return after(value)
      })
    }
  }
}

function decoderTargets (): FuzzTarget[] {
  const gossip = decoderTarget('decodeGossip', { decode: decodeGossip, encode: encodeGossip, samples: s.sampleGossipMessages }, (msg) => {
    total('decodeGossip', 'checkOrigin', () => { checkOrigin(msg, s.NODE_A.nodeId) })
    if (msg.kind === 'event') checkEventSignature('decodeGossip', msg.event)
    if (msg.kind === 'events') for (const e of msg.events) checkEventSignature('decodeGossip', e)
    if (msg.kind === 'command') {
      checkCommandSignature('decodeGossip', msg.command)
      total('decodeGossip', 'checkCommand', () => { checkCommand(msg.command, commandContext) })
    }
    if (msg.kind === 'heartbeat') guarded('decodeGossip', () => { clock.witness(msg.heartbeat.hlc); return 'ok' })
    return `ok:${msg.kind}`
  })
  // The server end first: it decodes by itself, and must answer anything with an encodable response.
  const request = decoderTarget('decodeSyncRequest', { decode: decodeSyncRequest, encode: encodeSyncRequest, samples: s.sampleSyncRequests }, (req) => `ok:${req.kind}`,
    (bytes) => { total('decodeSyncRequest', 'AntiEntropy.answer', () => { encodeSyncResponse(server.answer(bytes)) }) })
  const response = decoderTarget('decodeSyncResponse', { decode: decodeSyncResponse, encode: encodeSyncResponse, samples: s.sampleSyncResponses }, (res) => {
    if (res.kind === 'digest') total('decodeSyncResponse', 'planSync', () => { planSync(LOCAL_DIGEST, res.digest); planSync(res.digest, LOCAL_DIGEST) })
    if (res.kind === 'events') for (const e of res.events) checkEventSignature('decodeSyncResponse', e)
    if (res.kind === 'commands') for (const c of res.commands) total('decodeSyncResponse', 'checkCommand', () => { checkCommand(c, commandContext) })
    return `ok:${res.kind}`
  })
  // The text path too (files and the control socket hand over strings).
  const command = decoderTarget('decodeCommand', { decode: (b: Uint8Array) => decodeCommand(b), encode: encodeCommand, samples: s.sampleCommands }, (cmd) => {
    checkCommandSignature('decodeCommand', cmd)
    let verdict = ''
    total('decodeCommand', 'checkCommand', () => { const r = checkCommand(cmd, commandContext); verdict = r.ok ? 'ok' : r.code })
    return `ok:${verdict}`
  }, (bytes) => { guarded('decodeCommand', () => { decodeCommand(new TextDecoder().decode(bytes)); return 'ok' }) })
  return [gossip, request, response, command]
}

function validatorTargets (): FuzzTarget[] {
  const seeds = s.validatorSamples()
  const out: FuzzTarget[] = []
  for (const [name, fn] of Object.entries(schema)) {
    if (!name.startsWith('validate') || typeof fn !== 'function' || name === 'validateParams') continue
    const validate = fn as (v: unknown) => unknown
    out.push({
      name,
      input: 'value',
      seeds: () => seeds[name] ?? [{}],
      run: (input) => guarded(name, () => { validate(input); return 'ok' })
    })
  }
  out.push({
    name: 'validateParams',
    input: 'value',
    seeds: () => Object.entries(s.SAMPLE_PARAMS).map(([action, params]) => ({ action, params })),
    run: (input) => guarded('validateParams', () => {
      const { action, params } = (input ?? {}) as { action?: unknown, params?: unknown }
      schema.validateParams(action as never, params)
      return `ok:${String(action)}`
    })
  })
  out.push({
    name: 'checkCommand',
    input: 'value',
    seeds: () => s.sampleCommands(),
    run: (input) => {
      let label = ''
      total('checkCommand', 'checkCommand', () => { const r = checkCommand(input, commandContext); label = r.ok ? 'ok' : r.code })
      return label
    }
  })
  return out
}

function parserTargets (): FuzzTarget[] {
  return [
    { name: 'parseHlc', input: 'value', seeds: () => [s.HLC_A], run: (x) => guarded('parseHlc', () => { parseHlc(x); return 'ok' }) },
    { name: 'HybridClock.witness', input: 'value', seeds: () => [s.HLC_A], run: (x) => guarded('HybridClock.witness', () => { clock.witness(x as string); return 'ok' }) },
    { name: 'parseOperatorPublicKey', input: 'value', seeds: () => [s.OPERATOR.publicKey], run: (x) => guarded('parseOperatorPublicKey', () => { parseOperatorPublicKey(x); return 'ok' }) },
    { name: 'nodePublicKeyFromId', input: 'value', seeds: () => [s.NODE_A.nodeId, s.NODE_B.nodeId], run: (x) => guarded('nodePublicKeyFromId', () => { nodePublicKeyFromId(x as string); return 'ok' }) }
  ]
}

export function fuzzTargets (): FuzzTarget[] {
  return [...decoderTargets(), ...validatorTargets(), ...parserTargets()]
}

export function targetByName (name: string): FuzzTarget | undefined {
  return fuzzTargets().find((t) => t.name === name)
}

/** Bytes of a JSON value, for bytes targets fed structured inputs. */
export const jsonBytes = (v: unknown): Uint8Array => enc.encode(JSON.stringify(v) ?? '')
