import { describe, expect, it } from 'vitest'
import {
  MAX_COMMAND_BYTES, MAX_GOSSIP_BYTES, MAX_SYNC_REQUEST_BYTES, MAX_SYNC_RESPONSE_BYTES,
  decodeCommand, decodeGossip, decodeSyncRequest, decodeSyncResponse, encodeCommand, encodeGossip,
  encodeSyncRequest, encodeSyncResponse
} from '../../protocol/codec.js'
import { ValidationError } from '../../protocol/errors.js'
import { PROTOCOL_VERSION } from '../../protocol/types.js'
import { expectCode, jsonBytes, objectPaths, withField } from './helpers.js'
import {
  sampleCommands, sampleGossipMessages, sampleHealth, sampleHeartbeat, sampleSyncRequests, sampleSyncResponses
} from './samples.js'

interface Codec {
  name: string
  samples: () => unknown[]
  encode: (v: any) => Uint8Array
  decode: (b: Uint8Array) => unknown
  limit: number
}

export const CODECS: Codec[] = [
  { name: 'gossip', samples: sampleGossipMessages, encode: encodeGossip, decode: decodeGossip, limit: MAX_GOSSIP_BYTES },
  { name: 'sync request', samples: sampleSyncRequests, encode: encodeSyncRequest, decode: decodeSyncRequest, limit: MAX_SYNC_REQUEST_BYTES },
  { name: 'sync response', samples: sampleSyncResponses, encode: encodeSyncResponse, decode: decodeSyncResponse, limit: MAX_SYNC_RESPONSE_BYTES },
  { name: 'command', samples: sampleCommands, encode: encodeCommand, decode: decodeCommand, limit: MAX_COMMAND_BYTES }
]

/** A valid encoding grown to exactly `size` bytes with JSON whitespace, which parsers skip. */
function padded (bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size).fill(0x20)
  out.set(bytes)
  return out
}

describe.each(CODECS)('$name codec', ({ samples, encode, decode, limit }) => {
  it('round-trips every valid sample through encode and decode unchanged', () => {
    for (const sample of samples()) expect(decode(encode(sample))).toEqual(sample)
  })

  it('rejects an unknown field at every level of every sample', () => {
    for (const sample of samples()) {
      for (const path of objectPaths(sample)) {
        const err = expectCode(() => decode(jsonBytes(withField(sample, path, 'unknownField', true))), ValidationError, 'ERR_VALIDATION')
        expect(err.path).toMatch(/unknownField$|params/)
      }
    }
  })

  it('accepts a message of exactly the size limit and rejects one byte more with ERR_TOO_LARGE', () => {
    const bytes = encode(samples()[0])
    expect(decode(padded(bytes, limit))).toEqual(samples()[0])
    expectCode(() => decode(padded(bytes, limit + 1)), ValidationError, 'ERR_TOO_LARGE')
  })

  it('rejects another protocol version with ERR_VERSION before looking at the rest', () => {
    for (const v of [0, 2, '1', null]) {
      expectCode(() => decode(jsonBytes({ ...(samples()[0] as object), v })), ValidationError, 'ERR_VERSION')
    }
    expectCode(() => decode(jsonBytes({ kind: 'x' })), ValidationError, 'ERR_VERSION')
  })

  it('reports a deeply nested or huge version as ERR_VERSION with a short message (fuzz finding)', () => {
    const deep = new TextEncoder().encode('{"v":' + '['.repeat(20_000) + ']'.repeat(20_000) + '}')
    const huge = jsonBytes({ v: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i])) })
    for (const bytes of [deep, huge, jsonBytes({ v: 'x'.repeat(5000) })]) {
      const err = expectCode(() => decode(bytes), ValidationError, 'ERR_VERSION')
      expect(err.message.length).toBeLessThan(200)
    }
  })

  it.each([
    ['invalid JSON', new TextEncoder().encode('{"v":1,')],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
    ['a JSON array', jsonBytes([1, 2])],
    ['a JSON string', jsonBytes('v')],
    ['empty input', new Uint8Array(0)]
  ])('rejects %s with ERR_DECODE', (_label, bytes) => {
    expectCode(() => decode(bytes), ValidationError, 'ERR_DECODE')
  })
})

describe('encoders', () => {
  it('refuse to produce a gossip message over the limit with ERR_TOO_LARGE', () => {
    // Each field within bounds, the whole too large: the size limit is a separate guard.
    const services = Array.from({ length: 512 }, (_, i) => ({ name: `${'s'.repeat(240)}${i}.service`, activeState: 'active', subState: 'running' }))
    const listeningPorts = Array.from({ length: 1024 }, (_, i) => ({ port: i + 1, process: 'p'.repeat(256) }))
    const heartbeat = sampleHeartbeat({ health: sampleHealth({ services, listeningPorts }) })
    expectCode(() => encodeGossip({ v: PROTOCOL_VERSION, kind: 'heartbeat', heartbeat }), ValidationError, 'ERR_TOO_LARGE')
  })

  it('refuse to send what peers would reject', () => {
    const bad = { v: PROTOCOL_VERSION, kind: 'heartbeat', heartbeat: sampleHeartbeat({ name: 'no spaces allowed' }) }
    const err = expectCode(() => encodeGossip(bad as any), ValidationError, 'ERR_VALIDATION')
    expect(err.path).toBe('heartbeat.name')
  })
})

describe('decodeCommand', () => {
  it('accepts text as well as bytes', () => {
    const [cmd] = sampleCommands()
    expect(decodeCommand(JSON.stringify(cmd))).toEqual(cmd)
  })

  it('rejects oversize text with ERR_TOO_LARGE without encoding it', () => {
    expectCode(() => decodeCommand(' '.repeat(MAX_COMMAND_BYTES + 1)), ValidationError, 'ERR_TOO_LARGE')
    // Multi-byte characters count as their UTF-8 size.
    const [cmd] = sampleCommands()
    const text = JSON.stringify({ ...cmd, comment: '€'.repeat(MAX_COMMAND_BYTES / 3) })
    expect(text.length).toBeLessThan(MAX_COMMAND_BYTES)
    expectCode(() => decodeCommand(text), ValidationError, 'ERR_TOO_LARGE')
  })
})
