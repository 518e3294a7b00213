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
import { SignatureError } from '../../protocol/errors.js'
import { isFull } from '../../protocol/heartbeat.js'
import { openBeat } from '../../protocol/relayed-beat.js'
import { nodePublicKeyFromId, verifyEvent } from '../../protocol/sign.js'
import type { GossipMessage, NodeEvent, WireHeartbeat } from '../../protocol/types.js'
import type { SlmLibp2p } from './host.js'
import { FLEET_TOPIC } from './constants.js'

export interface GossipComponents {
  node: SlmLibp2p
  /**
   * Called for each accepted message, after validation; `bytes` is its encoded size. `beats` are
   * the checked heartbeats inside a `beat` or `beats` message (empty for other kinds).
   */
  onMessage: (msg: GossipMessage, from: string, propagationSource: PeerId | undefined, bytes: number, beats: WireHeartbeat[]) => void
  /** Counted rejections: reason is a stable label for metrics. */
  onReject: (reason: string, from: string) => void
  /** Each publish of ours, by `trafficKind`. */
  onPublish?: (kind: string, bytes: number) => void
}

/** A message's kind for traffic counts: brief heartbeats are counted apart from full ones. */
export function trafficKind (msg: GossipMessage): string {
  return msg.kind === 'heartbeat' && !isFull(msg.heartbeat) ? 'heartbeat_brief' : msg.kind
}

export type RejectReason = 'undecodable' | 'unsigned' | 'origin_mismatch' | 'bad_event_signature' | 'too_large' |
  'bad_beat' | 'bad_beat_signature' | 'wrong_topic'

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
    case 'beat':
    case 'beats':
      // Each heartbeat inside carries its own node's signature: openRelayed checks them.
      return null
  }
}

/**
 * The heartbeats inside a `beat` (a member's own, on its way to its relay: it must be the
 * signer's) or a `beats` bundle, each checked against its node's signature; a reason if any
 * fails. An honest relay checked every beat it bundled, so one bad beat rejects the bundle.
 */
export function openRelayed (msg: Extract<GossipMessage, { kind: 'beat' | 'beats' }>, signer: string): WireHeartbeat[] | RejectReason {
  const signed = msg.kind === 'beat' ? [msg.beat] : msg.beats
  const out: WireHeartbeat[] = []
  for (const beat of signed) {
    try {
      out.push(openBeat(beat))
    } catch (err) {
      return err instanceof SignatureError ? 'bad_beat_signature' : 'bad_beat'
    }
  }
  if (msg.kind === 'beat' && out[0].origin !== signer) return 'origin_mismatch'
  return out
}

/** `beat` messages travel on beat topics only, everything else on the fleet topic. */
function onRightTopic (msg: GossipMessage, topic: string): boolean {
  return (msg.kind === 'beat') === (topic !== FLEET_TOPIC)
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
  private readonly decoded = new WeakMap<Message, { msg: GossipMessage, beats: WireHeartbeat[] }>()
  /** The beat topic we relay for, if any (node/daemon/beat-relay.ts). */
  private beatTopic: string | null = null

  constructor (components: GossipComponents) {
    this.c = components
  }

  start (): void {
    const { pubsub } = this.c.node.services
    pubsub.topicValidators.set(FLEET_TOPIC, (_peer, message) => this.validate(message))
    pubsub.addEventListener('gossipsub:message', (evt) => {
      const { msg, propagationSource } = evt.detail
      if ((msg.topic !== FLEET_TOPIC && msg.topic !== this.beatTopic) || msg.type !== 'signed') return
      // Validation ran first and kept what it decoded; a message it never saw is not ours to take.
      const decoded = this.decoded.get(msg)
      if (decoded == null) return
      try {
        this.c.onMessage(decoded.msg, msg.from.toString(), propagationSource, msg.data.byteLength, decoded.beats)
      } catch (err) {
        this.c.onReject('handler_error', msg.from.toString())
      }
    })
    pubsub.subscribe(FLEET_TOPIC)
  }

  stop (): void {
    const { pubsub } = this.c.node.services
    this.relayFor(null)
    pubsub.topicValidators.delete(FLEET_TOPIC)
    try { pubsub.unsubscribe(FLEET_TOPIC) } catch {}
  }

  /** Subscribes to `topic` as its relay (null: none), leaving the one we relayed for before. */
  relayFor (topic: string | null): void {
    if (topic === this.beatTopic) return
    const { pubsub } = this.c.node.services
    if (this.beatTopic != null) {
      pubsub.topicValidators.delete(this.beatTopic)
      try { pubsub.unsubscribe(this.beatTopic) } catch {}
    }
    this.beatTopic = topic
    if (topic != null) {
      pubsub.topicValidators.set(topic, (_peer, message) => this.validate(message))
      pubsub.subscribe(topic)
    }
  }

  /**
   * Publishes on the fleet topic, or on `topic`; resolves to the number of peers it was sent to.
   * `kind` names it in the traffic counts (a beat counts as the heartbeat it carries).
   */
  async publish (msg: GossipMessage, topic = FLEET_TOPIC, kind = trafficKind(msg)): Promise<number> {
    const bytes = encodeGossip(msg)
    this.c.onPublish?.(kind, bytes.byteLength)
    const { recipients } = await this.c.node.services.pubsub.publish(topic, bytes)
    return recipients.length
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
    if (!onRightTopic(decoded, message.topic)) {
      this.c.onReject('wrong_topic', from)
      return TopicValidatorResult.Reject
    }
    const reason = checkOrigin(decoded, from)
    const beats = decoded.kind === 'beat' || decoded.kind === 'beats' ? openRelayed(decoded, from) : []
    const rejected = reason ?? (typeof beats === 'string' ? beats : null)
    if (rejected != null) {
      this.c.onReject(rejected, from)
      return TopicValidatorResult.Reject
    }
    this.decoded.set(message, { msg: decoded, beats: beats as WireHeartbeat[] })
    return TopicValidatorResult.Accept
  }
}
