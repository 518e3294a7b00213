/**
 * The fleet topic. Every message is validated before gossipsub forwards it: bytes that do not
 * decode, exceed the size limit, or speak for a node other than the signer are Rejected (and
 * counted by reason); nothing else is our business here — stale or duplicate messages are
 * Ignored by the handlers, so honest relays are not penalised (PITFALLS: reject only the
 * provably bad).
 */
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { decodeGossip, encodeGossip } from '../../protocol/codec.js'
import { isFull } from '../../protocol/heartbeat.js'
import { nodePublicKeyFromId, verifyEvent } from '../../protocol/sign.js'
import type { GossipMessage, NodeEvent } from '../../protocol/types.js'
import type { SlmLibp2p } from './host.js'
import { FLEET_TOPIC } from './constants.js'

export interface GossipComponents {
  node: SlmLibp2p
  /** Called for each accepted message, after validation; `bytes` is its encoded size. */
  onMessage: (msg: GossipMessage, from: string, propagationSource: PeerId | undefined, bytes: number) => void
  /** Counted rejections: reason is a stable label for metrics. */
  onReject: (reason: string, from: string) => void
  /** Each publish of ours, by `trafficKind`. */
  onPublish?: (kind: string, bytes: number) => void
}

/** A message's kind for traffic counts: brief heartbeats are counted apart from full ones. */
export function trafficKind (msg: GossipMessage): string {
  return msg.kind === 'heartbeat' && !isFull(msg.heartbeat) ? 'heartbeat_brief' : msg.kind
}

export type RejectReason = 'undecodable' | 'unsigned' | 'origin_mismatch' | 'bad_event_signature' | 'too_large'

/** Pure check of a decoded message against the peer that signed the gossip envelope. */
export function checkOrigin (msg: GossipMessage, signer: string): RejectReason | null {
  switch (msg.kind) {
    case 'heartbeat':
      return msg.heartbeat.origin === signer ? null : 'origin_mismatch'
    case 'event':
      return checkEvents([msg.event], signer)
    case 'events':
      return checkEvents(msg.events, signer)
    case 'command':
      // Operator commands are self-authenticating (Ed25519 by the operator) and any peer may relay
      // them; their signature and authority are checked where they are applied.
      return null
  }
}

/** Every event is the signer's own and carries the signer's valid signature. */
function checkEvents (events: NodeEvent[], signer: string): RejectReason | null {
  if (events.some(e => e.origin !== signer)) return 'origin_mismatch'
  try {
    const key = nodePublicKeyFromId(signer)
    for (const e of events) verifyEvent(e, key)
    return null
  } catch {
    return 'bad_event_signature'
  }
}

export class Gossip {
  private readonly c: GossipComponents
  private readonly decoded = new WeakMap<Message, GossipMessage>()

  constructor (components: GossipComponents) {
    this.c = components
  }

  start (): void {
    const { pubsub } = this.c.node.services
    pubsub.topicValidators.set(FLEET_TOPIC, (_peer, message) => this.validate(message))
    pubsub.addEventListener('gossipsub:message', (evt) => {
      const { msg, propagationSource } = evt.detail
      if (msg.topic !== FLEET_TOPIC || msg.type !== 'signed') return
      const decoded = this.decoded.get(msg) ?? safeDecode(msg.data)
      if (decoded == null) return
      try {
        this.c.onMessage(decoded, msg.from.toString(), propagationSource, msg.data.byteLength)
      } catch (err) {
        this.c.onReject('handler_error', msg.from.toString())
      }
    })
    pubsub.subscribe(FLEET_TOPIC)
  }

  stop (): void {
    const { pubsub } = this.c.node.services
    pubsub.topicValidators.delete(FLEET_TOPIC)
    try { pubsub.unsubscribe(FLEET_TOPIC) } catch {}
  }

  async publish (msg: GossipMessage): Promise<void> {
    const bytes = encodeGossip(msg)
    this.c.onPublish?.(trafficKind(msg), bytes.byteLength)
    await this.c.node.services.pubsub.publish(FLEET_TOPIC, bytes)
  }

  private validate (message: Message): TopicValidatorResult {
    if (message.type !== 'signed') {
      this.c.onReject('unsigned', 'unknown')
      return TopicValidatorResult.Reject
    }
    const from = message.from.toString()
    let decoded: GossipMessage
    try {
      decoded = decodeGossip(message.data)
    } catch (err: any) {
      this.c.onReject(err?.code === 'ERR_TOO_LARGE' ? 'too_large' : 'undecodable', from)
      return TopicValidatorResult.Reject
    }
    const reason = checkOrigin(decoded, from)
    if (reason != null) {
      this.c.onReject(reason, from)
      return TopicValidatorResult.Reject
    }
    this.decoded.set(message, decoded)
    return TopicValidatorResult.Accept
  }
}

function safeDecode (data: Uint8Array): GossipMessage | null {
  try { return decodeGossip(data) } catch { return null }
}
