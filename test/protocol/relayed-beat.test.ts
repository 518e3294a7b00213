import { describe, expect, it } from 'vitest'
import { encodeGossip, decodeGossip } from '../../protocol/codec.js'
import { SignatureError, ValidationError } from '../../protocol/errors.js'
import { BEAT_DOMAIN, openBeat, signBeat } from '../../protocol/relayed-beat.js'
import { PROTOCOL_VERSION, type SignedBeat } from '../../protocol/types.js'
import { NODE_A, NODE_B, sampleEvent, sampleHeartbeat } from './samples.js'

const v = PROTOCOL_VERSION
const beatBytes = (origin = NODE_A.nodeId): Uint8Array => encodeGossip({ v, kind: 'heartbeat', heartbeat: sampleHeartbeat({ origin }) })
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url')

describe('signed beats: a heartbeat any member can carry, that only its node can write', () => {
  it('opens to the heartbeat its node signed, byte for byte', () => {
    const bytes = beatBytes()
    const beat = signBeat(bytes, NODE_A.sign)
    expect(beat.hb).toBe(b64(bytes))
    expect(beat.sig).toMatch(/^[A-Za-z0-9_-]{86}$/)
    const hb = openBeat(beat)
    expect(hb).toEqual(sampleHeartbeat({ origin: NODE_A.nodeId }))
    // The bundle carrying it passes the gossip schema.
    const bundle = decodeGossip(encodeGossip({ v, kind: 'beats', beats: [beat, signBeat(beatBytes(NODE_B.nodeId), NODE_B.sign)] }))
    expect(bundle.kind === 'beats' && bundle.beats.map((b) => openBeat(b).origin)).toEqual([NODE_A.nodeId, NODE_B.nodeId])
  })

  it('refuses a heartbeat signed by a node other than the one it names', () => {
    const forged = signBeat(beatBytes(NODE_A.nodeId), NODE_B.sign)
    expect(() => openBeat(forged)).toThrow(SignatureError)
  })

  it('refuses altered bytes, and a signature moved to other bytes', () => {
    const beat = signBeat(beatBytes(), NODE_A.sign)
    const altered = Buffer.from(beat.hb, 'base64url').toString().replace('"seq":', '"seq":1')
    expect(() => openBeat({ ...beat, hb: b64(Buffer.from(altered)) })).toThrow(SignatureError)
    const other = encodeGossip({ v, kind: 'heartbeat', heartbeat: sampleHeartbeat({ seq: 77 }) })
    expect(() => openBeat({ hb: b64(other), sig: beat.sig })).toThrow(SignatureError)
  })

  it('a signature over the bare bytes (no domain tag) is not a beat signature', () => {
    const bytes = beatBytes()
    const bare: SignedBeat = { hb: b64(bytes), sig: b64(NODE_A.sign(bytes)) }
    expect(() => openBeat(bare)).toThrow(SignatureError)
    expect(BEAT_DOMAIN).toBe('slm-beat-v1\n')
  })

  it('holds only a heartbeat: another message inside, or bytes that do not decode, are ValidationErrors', () => {
    const event = encodeGossip({ v, kind: 'event', event: sampleEvent('transition') })
    expect(() => openBeat(signBeat(event, NODE_A.sign))).toThrow(ValidationError)
    expect(() => openBeat(signBeat(Buffer.from('not json'), NODE_A.sign))).toThrow(ValidationError)
    // A heartbeat naming something that is not a node key cannot be checked at all.
    const unnamed = encodeGossip({ v, kind: 'heartbeat', heartbeat: sampleHeartbeat({ origin: 'plain-name' }) })
    expect(() => openBeat(signBeat(unnamed, NODE_A.sign))).toThrow(ValidationError)
  })

  it('the gossip schema bounds a bundle and each beat in it', () => {
    const beat = signBeat(beatBytes(), NODE_A.sign)
    const bad = (msg: unknown): void => { expect(() => decodeGossip(Buffer.from(JSON.stringify(msg)))).toThrow(ValidationError) }
    bad({ v, kind: 'beats', beats: [] })
    bad({ v, kind: 'beats', beats: Array.from({ length: 65 }, () => beat) })
    bad({ v, kind: 'beats', beats: [{ ...beat, extra: 1 }] })
    bad({ v, kind: 'beats', beats: [{ ...beat, hb: 'not base64url!' }] })
    bad({ v, kind: 'beat', beat: { ...beat, sig: 'short' } })
  })
})
