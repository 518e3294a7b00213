/**
 * What a hostile peer holding the fleet key sends: gossip that is malformed, oversized, speaks for
 * another node, replays another node's event, or carries a wrong signature; and as a sync server,
 * digests that promise events it then forges. Each builder returns bytes and the label the
 * report counts it under.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { encodeGossip, encodeSyncResponse } from '../../protocol/codec.js'
import { hlcFromMs } from '../../protocol/hlc.js'
import { generateOperatorKey, signCommand } from '../../protocol/sign.js'
import { sampleHeartbeat } from '../protocol/samples.js'
import { PROTOCOL_VERSION, type CommandEnvelope, type GossipMessage, type Heartbeat, type NodeEvent, type SyncDigest, type SyncRequest } from '../../protocol/types.js'
import type { Operator } from './operator.js'

export type GossipKind = 'malformed' | 'oversized' | 'forged_heartbeat' | 'replayed_event' | 'bad_event_sig' | 'smuggled_batch' | 'bad_command_sig' | 'unknown_issuer' | 'expired_command' | 'replayed_command'

export const GOSSIP_KINDS: GossipKind[] = ['malformed', 'oversized', 'forged_heartbeat', 'replayed_event', 'bad_event_sig', 'smuggled_batch', 'bad_command_sig', 'unknown_issuer', 'expired_command', 'replayed_command']

const enc = (msg: GossipMessage): Uint8Array => encodeGossip(msg)
const STRANGER = generateOperatorKey()

/** A well-formed, current heartbeat claiming to be `origin`: only who signed it is wrong. */
export function heartbeatOf (origin: string): Heartbeat {
  return sampleHeartbeat({ origin, name: 'forged', hlc: hlcFromMs(Date.now()), seq: 0, addrs: [], lease: undefined })
}

/** Changes one character in the middle of a base64url signature: same form, wrong bytes. */
export function spoil (sig: string): string {
  const at = Math.floor(sig.length / 2)
  return sig.slice(0, at) + (sig[at] === 'A' ? 'B' : 'A') + sig.slice(at + 1)
}

export interface HostileMaterial {
  victimId: string
  rogueId: string
  realEvent: NodeEvent
  realCommand: CommandEnvelope
  operator: Operator
}

export function hostileGossip (kind: GossipKind, m: HostileMaterial, i: number): Uint8Array {
  switch (kind) {
    case 'malformed': {
      const junk = [new Uint8Array([0xff, 0x00, i & 0xff, 0x37]), new TextEncoder().encode(`{"v":1,"kind":"heartbeat","heartbeat":{"n":${i}}}`), new TextEncoder().encode('{"v":99,"kind":"event"}')]
      return junk[i % junk.length]
    }
    case 'oversized': return new TextEncoder().encode(JSON.stringify({ v: 1, kind: 'heartbeat', pad: 'x'.repeat(300 * 1024) }))
    case 'forged_heartbeat': return enc({ v: PROTOCOL_VERSION, kind: 'heartbeat', heartbeat: heartbeatOf(m.victimId) })
    case 'replayed_event': return enc({ v: PROTOCOL_VERSION, kind: 'event', event: m.realEvent })
    case 'bad_event_sig': return enc({ v: PROTOCOL_VERSION, kind: 'event', event: { ...m.realEvent, origin: m.rogueId, seq: 1 + (i % 1000), sig: spoil(m.realEvent.sig) } })
    // An events batch that hides the victim's real event (or, every other time, a badly signed one
    // of the rogue's own) behind one that claims to be the rogue's.
    case 'smuggled_batch': {
      const own = { ...m.realEvent, origin: m.rogueId, seq: 1 + (i % 1000), sig: spoil(m.realEvent.sig) }
      return enc({ v: PROTOCOL_VERSION, kind: 'events', events: i % 2 === 0 ? [own, m.realEvent] : [own, { ...own, seq: own.seq + 1 }] })
    }
    case 'bad_command_sig': {
      const cmd = m.operator.envelope('retire', { kind: 'all' }, {}, { comment: `forged ${i}` })
      return enc({ v: PROTOCOL_VERSION, kind: 'command', command: { ...cmd, sig: spoil(cmd.sig) } })
    }
    case 'unknown_issuer': {
      // Well signed, by a key nobody trusts.
      const cmd = m.operator.envelope('retire', { kind: 'all' }, {}, { comment: `stranger ${i}` })
      const { sig: _sig, ...unsigned } = cmd
      return enc({ v: PROTOCOL_VERSION, kind: 'command', command: signCommand({ ...unsigned, issuer: STRANGER.publicKey }, STRANGER.privateKeyPem) })
    }
    case 'expired_command': {
      // A genuine admin command captured long ago: signed by the trusted key, expired an hour since.
      const cmd = m.operator.envelope('retire', { kind: 'all' }, {}, { comment: `old ${i}`, issuedAtMs: Date.now() - 7_200_000, expiresAtMs: Date.now() - 3_600_000 })
      return enc({ v: PROTOCOL_VERSION, kind: 'command', command: cmd })
    }
    case 'replayed_command': return enc({ v: PROTOCOL_VERSION, kind: 'command', command: m.realCommand })
  }
}

export type SyncKind = 'malformed' | 'wrong_version' | 'huge_limit' | 'huge_have' | 'bad_origin' | 'digest_spam'
export const SYNC_KINDS: SyncKind[] = ['malformed', 'wrong_version', 'huge_limit', 'huge_have', 'bad_origin', 'digest_spam']

const json = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v))

export function hostileSyncRequest (kind: SyncKind, m: HostileMaterial, i: number): Uint8Array {
  switch (kind) {
    case 'malformed': return new Uint8Array([0x7b, 0x22, i & 0xff, 0x00])
    case 'wrong_version': return json({ v: 999, kind: 'digest', digest: {} })
    case 'huge_limit': return json({ v: PROTOCOL_VERSION, kind: 'events', origin: m.victimId, fromSeq: -5, limit: 1e12 } satisfies Omit<SyncRequest, 'kind'> & Record<string, unknown>)
    case 'huge_have': return json({ v: PROTOCOL_VERSION, kind: 'commands', have: Array.from({ length: 50_000 }, (_, k) => `01J${String(k).padStart(23, '0')}`), limit: 1e9 })
    case 'bad_origin': return json({ v: PROTOCOL_VERSION, kind: 'events', origin: '../../etc/passwd', fromSeq: 1, limit: 10 })
    case 'digest_spam': return json({ v: PROTOCOL_VERSION, kind: 'digest', digest: { origins: {}, commands: { count: 0, hash: '0'.repeat(64) }, registers: { count: 0, hash: '0'.repeat(64) } } })
  }
}

/** A fresh, valid node id that no daemon knows: a phantom origin for forged sync answers. */
export async function phantomId (): Promise<string> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
}

/**
 * The rogue as a sync server: its digest claims far more events of `victim` and of a phantom
 * origin than exist, and more commands; what it then serves is forged (wrong signature, wrong
 * origin, or a command with a spoiled signature).
 */
export function rogueSyncAnswer (req: any, m: HostileMaterial, phantom: string, served: { count: number }): Uint8Array {
  const digest: SyncDigest = {
    origins: { [m.victimId]: { min: 1, max: 1_000_000 }, [phantom]: { min: 1, max: 1000 } },
    commands: { count: 1_000_000, hash: 'f'.repeat(64) },
    registers: { count: 1_000_000, hash: 'e'.repeat(64) }
  }
  served.count++
  switch (req?.kind) {
    case 'digest': return encodeSyncResponse({ v: PROTOCOL_VERSION, kind: 'digest', digest })
    case 'events': {
      const origin = String(req.origin)
      const from = Number(req.fromSeq) || 1
      const events = Array.from({ length: 5 }, (_, k) => ({
        ...m.realEvent,
        // Alternate: right origin with a spoiled signature, or an event of another origin.
        origin: served.count % 2 === 0 ? origin : m.rogueId,
        seq: from + k,
        sig: spoil(m.realEvent.sig)
      }))
      return encodeSyncResponse({ v: PROTOCOL_VERSION, kind: 'events', events, more: true })
    }
    case 'commands': {
      const cmd = m.operator.envelope('retire', { kind: 'all' }, {}, { comment: 'served forged' })
      return encodeSyncResponse({ v: PROTOCOL_VERSION, kind: 'commands', commands: [{ ...cmd, sig: spoil(cmd.sig) }], more: false })
    }
    default: return encodeSyncResponse({ v: PROTOCOL_VERSION, kind: 'registers', registers: [], more: false })
  }
}
