import { describe, expect, it } from 'vitest'
import { checkOrigin } from '../../../node/net/gossip.js'
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
