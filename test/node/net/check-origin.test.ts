import { describe, expect, it } from 'vitest'
import { checkOrigin, openRelayed } from '../../../node/net/gossip.js'
import { encodeGossip } from '../../../protocol/codec.js'
import { signBeat } from '../../../protocol/relayed-beat.js'
import { PROTOCOL_VERSION, type GossipMessage, type NodeEvent } from '../../../protocol/types.js'
import { NODE_A, NODE_B, sampleCommand, sampleEvent, sampleHeartbeat } from '../../protocol/samples.js'

const v = PROTOCOL_VERSION
const events = (...list: NodeEvent[]): GossipMessage => ({ v, kind: 'events', events: list })
const tampered = (e: NodeEvent): NodeEvent => ({ ...e, hlc: '001700000000001-000000' })

describe('checkOrigin: a gossip message speaks only for the peer that signed it', () => {
  it('accepts a heartbeat, an event and an events batch of the signer', () => {
    expect(checkOrigin({ v, kind: 'heartbeat', heartbeat: sampleHeartbeat({ origin: NODE_A.nodeId }) }, NODE_A.nodeId)).toBeNull()
    expect(checkOrigin({ v, kind: 'event', event: sampleEvent('transition') }, NODE_A.nodeId)).toBeNull()
    expect(checkOrigin(events(sampleEvent('command_result', { seq: 1 }), sampleEvent('transition', { seq: 2 })), NODE_A.nodeId)).toBeNull()
  })

  it('rejects a heartbeat or event about another node', () => {
    expect(checkOrigin({ v, kind: 'heartbeat', heartbeat: sampleHeartbeat({ origin: NODE_A.nodeId }) }, NODE_B.nodeId)).toBe('origin_mismatch')
    expect(checkOrigin({ v, kind: 'event', event: sampleEvent('transition') }, NODE_B.nodeId)).toBe('origin_mismatch')
  })

  it('rejects a batch if any one event is another node\'s, even one it signed itself', () => {
    const mixed = events(sampleEvent('transition', { seq: 1 }), sampleEvent('transition', { seq: 2 }, NODE_B))
    expect(checkOrigin(mixed, NODE_A.nodeId)).toBe('origin_mismatch')
    expect(checkOrigin(mixed, NODE_B.nodeId)).toBe('origin_mismatch')
  })

  it('rejects a batch if any one event\'s signature does not verify', () => {
    expect(checkOrigin({ v, kind: 'event', event: tampered(sampleEvent('transition')) }, NODE_A.nodeId)).toBe('bad_event_signature')
    const batch = events(sampleEvent('command_result', { seq: 1 }), tampered(sampleEvent('transition', { seq: 2 })), sampleEvent('command_result', { seq: 3 }))
    expect(checkOrigin(batch, NODE_A.nodeId)).toBe('bad_event_signature')
  })

  it('leaves commands to the command checks (any peer may relay them)', () => {
    expect(checkOrigin({ v, kind: 'command', command: sampleCommand() }, NODE_B.nodeId)).toBeNull()
  })
})

describe('openRelayed: heartbeats that travel through a relay speak for their own nodes', () => {
  const beat = (origin = NODE_A, signer = NODE_A, over = {}): ReturnType<typeof signBeat> =>
    signBeat(encodeGossip({ v, kind: 'heartbeat', heartbeat: sampleHeartbeat({ origin: origin.nodeId, ...over }) }), signer.sign)

  it('a member sends only its own beat to its relay', () => {
    expect(openRelayed({ v, kind: 'beat', beat: beat() }, NODE_A.nodeId)).toEqual([sampleHeartbeat({ origin: NODE_A.nodeId })])
    expect(openRelayed({ v, kind: 'beat', beat: beat() }, NODE_B.nodeId)).toBe('origin_mismatch')
  })

  it('a relay sends on any member\'s beats, each checked against its own node', () => {
    const out = openRelayed({ v, kind: 'beats', beats: [beat(NODE_A), beat(NODE_B, NODE_B)] }, NODE_B.nodeId)
    expect(Array.isArray(out) && out.map((hb) => hb.origin)).toEqual([NODE_A.nodeId, NODE_B.nodeId])
  })

  it('one forged or undecodable beat rejects the whole bundle', () => {
    expect(openRelayed({ v, kind: 'beats', beats: [beat(NODE_B, NODE_B), beat(NODE_A, NODE_B)] }, NODE_B.nodeId)).toBe('bad_beat_signature')
    const junk = signBeat(Buffer.from('{"v":1,"kind":"heartbeat","heartbeat":{"nope":true}}'), NODE_B.sign)
    expect(openRelayed({ v, kind: 'beats', beats: [beat(NODE_B, NODE_B), junk] }, NODE_B.nodeId)).toBe('bad_beat')
  })

  it('checkOrigin leaves beats to openRelayed', () => {
    expect(checkOrigin({ v, kind: 'beats', beats: [beat()] }, NODE_B.nodeId)).toBeNull()
    expect(checkOrigin({ v, kind: 'beat', beat: beat() }, NODE_B.nodeId)).toBeNull()
  })
})
