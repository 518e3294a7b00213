/**
 * Anti-entropy (/slm/sync/1.0.0) requests and responses, and the gossip topic envelope. Batches
 * are bounded so one peer cannot make another buffer an unbounded answer.
 */
import { z } from 'zod'
import type { GossipMessage, SignedBeat, SyncDigest, SyncRequest, SyncResponse } from '../types.js'
import { LIMITS, count, hash, list, nodeId, record, signature, text, ulid, version } from './common.js'
import { commandEnvelopeSchema } from './command.js'
import { nodeEventSchema } from './event.js'
import { registerKey, registerSchema } from './fleet.js'
import { wireHeartbeatSchema } from './heartbeat.js'

const summary = z.strictObject({ count, hash })

export const syncDigestSchema: z.ZodType<SyncDigest> = z.strictObject({
  origins: record(nodeId, z.strictObject({ min: count, max: count }), LIMITS.digestOrigins),
  commands: summary,
  registers: summary
})

const limit = z.int().min(1).max(LIMITS.syncBatch)

export const syncRequestSchema: z.ZodType<SyncRequest> = z.discriminatedUnion('kind', [
  z.strictObject({ v: version, kind: z.literal('digest'), digest: syncDigestSchema }),
  z.strictObject({ v: version, kind: z.literal('events'), origin: nodeId, fromSeq: count, limit }),
  z.strictObject({ v: version, kind: z.literal('commands'), have: list(ulid, LIMITS.syncHave), limit }),
  z.strictObject({ v: version, kind: z.literal('registers'), limit, after: registerKey.optional() })
])

export const syncResponseSchema: z.ZodType<SyncResponse> = z.discriminatedUnion('kind', [
  z.strictObject({ v: version, kind: z.literal('digest'), digest: syncDigestSchema }),
  z.strictObject({ v: version, kind: z.literal('events'), events: list(nodeEventSchema, LIMITS.syncBatch), more: z.boolean() }),
  z.strictObject({ v: version, kind: z.literal('commands'), commands: list(commandEnvelopeSchema, LIMITS.syncBatch), more: z.boolean() }),
  z.strictObject({ v: version, kind: z.literal('registers'), registers: list(registerSchema, LIMITS.syncBatch), more: z.boolean() }),
  z.strictObject({ v: version, kind: z.literal('error'), code: text(64), message: text(LIMITS.comment) })
])

/** A heartbeat's gossip message bytes and its node's signature (protocol/relayed-beat.ts). */
export const signedBeatSchema: z.ZodType<SignedBeat> = z.strictObject({
  hb: z.string().min(1).max(LIMITS.beatChars, { error: `at most ${LIMITS.beatChars} characters` }).regex(/^[A-Za-z0-9_-]+$/, { error: 'expected base64url' }),
  sig: signature
})

export const gossipMessageSchema: z.ZodType<GossipMessage> = z.discriminatedUnion('kind', [
  z.strictObject({ v: version, kind: z.literal('heartbeat'), heartbeat: wireHeartbeatSchema }),
  z.strictObject({ v: version, kind: z.literal('event'), event: nodeEventSchema }),
  z.strictObject({ v: version, kind: z.literal('events'), events: list(nodeEventSchema, LIMITS.gossipEvents).min(1), commands: list(commandEnvelopeSchema, LIMITS.gossipCommands).min(1).optional() }),
  z.strictObject({ v: version, kind: z.literal('command'), command: commandEnvelopeSchema }),
  z.strictObject({ v: version, kind: z.literal('beat'), beat: signedBeatSchema }),
  z.strictObject({ v: version, kind: z.literal('beats'), beats: list(signedBeatSchema, LIMITS.bundleBeats).min(1) })
])
