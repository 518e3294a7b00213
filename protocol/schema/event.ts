/**
 * Node events: the append-only per-origin log. One schema per event type, discriminated by
 * `type`, so a `transition` carrying a `code_announce` body is rejected rather than guessed at.
 */
import { z } from 'zod'
import {
  NODE_STATES, TRIGGERS,
  type EventBodies, type EventType, type NodeEvent, type UnsignedNodeEvent
} from '../types.js'
import {
  LIMITS, count, hlc, json, list, ms, name, nodeId, nonEmpty, operatorKey, record, sha, signature,
  text, ulid, unitName, version
} from './common.js'

const state = z.enum(NODE_STATES)

export const transitionBodySchema = z.strictObject({
  from: state,
  to: state,
  trigger: z.enum(TRIGGERS),
  operator: z.strictObject({ name, key: operatorKey }).optional(),
  comment: text(LIMITS.comment).optional(),
  commandId: ulid.optional(),
  metadata: record(nonEmpty(128), json, 64).optional()
})

export const commandResultBodySchema = z.strictObject({
  commandId: ulid,
  // Not the Action enum: a node reports on commands it could not even parse.
  action: text(64),
  status: z.enum(['accepted', 'rejected', 'applied', 'failed']),
  reason: text(LIMITS.comment).optional()
})

export const codeAnnounceBodySchema = z.strictObject({
  sha,
  branch: text(255),
  author: text(256),
  message: text(LIMITS.text),
  changedPaths: list(text(LIMITS.path), LIMITS.changedPaths),
  affectedRoles: list(name),
  term: count,
  committedAt: ms
})

export const installBodySchema = z.strictObject({
  role: name.optional(),
  phase: z.enum(['started', 'progress', 'complete', 'failed']),
  attempt: z.int().min(0).max(10_000),
  message: text(LIMITS.text).optional()
})

export const remediationBodySchema = z.strictObject({
  role: name,
  service: unitName,
  attempt: z.int().min(0).max(1_000_000),
  ok: z.boolean(),
  detail: text(LIMITS.comment).optional()
})

export const codeReportBodySchema = z.strictObject({
  role: name,
  sha,
  status: z.enum(['fetching', 'applied', 'failed', 'rolled_back']),
  running: sha.optional(),
  reason: text(LIMITS.comment).optional(),
  commandId: ulid.optional()
})

export const EVENT_BODIES: { [T in EventType]: z.ZodType<EventBodies[T]> } = {
  transition: transitionBodySchema,
  command_result: commandResultBodySchema,
  code_announce: codeAnnounceBodySchema,
  install: installBodySchema,
  remediation: remediationBodySchema,
  code_report: codeReportBodySchema
}

const header = { v: version, origin: nodeId, seq: z.int().min(1), hlc }

function variants (signed: boolean) {
  const sig = signed ? { sig: signature } : {}
  return [
    z.strictObject({ ...header, type: z.literal('transition'), body: transitionBodySchema, ...sig }),
    z.strictObject({ ...header, type: z.literal('command_result'), body: commandResultBodySchema, ...sig }),
    z.strictObject({ ...header, type: z.literal('code_announce'), body: codeAnnounceBodySchema, ...sig }),
    z.strictObject({ ...header, type: z.literal('install'), body: installBodySchema, ...sig }),
    z.strictObject({ ...header, type: z.literal('remediation'), body: remediationBodySchema, ...sig }),
    z.strictObject({ ...header, type: z.literal('code_report'), body: codeReportBodySchema, ...sig })
  ] as const
}

export const nodeEventSchema: z.ZodType<NodeEvent> = z.discriminatedUnion('type', variants(true)) as z.ZodType<NodeEvent>
export const unsignedNodeEventSchema: z.ZodType<UnsignedNodeEvent> = z.discriminatedUnion('type', variants(false))
