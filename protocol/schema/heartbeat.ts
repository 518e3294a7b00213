/**
 * Heartbeat: the latest view a node gossips about itself. Health numbers come from the node's
 * own probes, so they are range-checked but not trusted beyond that.
 */
import { z } from 'zod'
import { NODE_STATES, type BriefHeartbeat, type DetectedRole, type Health, type Heartbeat, type Lease, type WireHeartbeat } from '../types.js'
import { LIMITS, count, hlc, list, ms, name, nodeId, percent, port, record, text, unitName, version } from './common.js'

/** Bounds of heartbeat fields, shared with the brief heartbeat's fast check (brief-check.ts). */
export const HEARTBEAT_LIMITS = {
  hostname: 255,
  os: 256,
  version: 128,
  checkDetail: LIMITS.comment,
  maxIntervalMs: 3_600_000
} as const

export const STABLE_HASH_PATTERN = /^[A-Za-z0-9_-]{22}$/

export const serviceStateSchema = z.strictObject({
  name: unitName,
  activeState: text(64),
  subState: text(64),
  mainPid: count.optional(),
  memoryBytes: count.optional(),
  enabled: z.boolean().optional()
})

export const listeningPortSchema = z.strictObject({
  port,
  process: text(256).optional(),
  pid: count.optional()
})

export const detectedRoleSchema: z.ZodType<DetectedRole> = z.strictObject({
  status: z.enum(['active', 'inactive', 'not_installed']),
  pathExists: z.boolean(),
  path: text(LIMITS.path).optional(),
  serviceRunning: z.boolean(),
  service: unitName.optional(),
  ports: list(port, 64),
  version: text(128).optional()
})

const healthFields = {
  hostname: text(HEARTBEAT_LIMITS.hostname),
  os: text(HEARTBEAT_LIMITS.os),
  cpuPercent: percent,
  memoryPercent: percent,
  diskPercent: percent,
  loadAvg: z.tuple([z.number().min(0), z.number().min(0), z.number().min(0)]),
  uptimeSeconds: z.number().min(0),
  checks: record(name, z.strictObject({ ok: z.boolean(), detail: text(HEARTBEAT_LIMITS.checkDetail).optional() })),
  collectedAt: ms
}

export const healthSchema: z.ZodType<Health> = z.strictObject({
  ...healthFields,
  services: list(serviceStateSchema, 512),
  listeningPorts: list(listeningPortSchema, 1024)
})

export const leaseSchema: z.ZodType<Lease> = z.strictObject({
  holder: nodeId,
  term: count,
  expiresAt: ms
})

/** The hash a brief heartbeat names its left-out parts by (protocol/heartbeat.ts). */
const stableHash = z.string().regex(STABLE_HASH_PATTERN, { error: 'a 22-character base64url hash' })

const heartbeatFields = {
  v: version,
  origin: nodeId,
  name,
  hlc,
  seq: count,
  intervalMs: z.int().min(1).max(HEARTBEAT_LIMITS.maxIntervalMs),
  addrs: list(text(LIMITS.addr), LIMITS.addrs),
  tags: list(name),
  state: z.enum(NODE_STATES),
  versions: record(name, text(HEARTBEAT_LIMITS.version)),
  codeSourceCandidate: z.boolean(),
  lease: leaseSchema.optional(),
  unconnected: count.optional()
}

export const heartbeatSchema: z.ZodType<Heartbeat> = z.strictObject({
  ...heartbeatFields,
  health: healthSchema,
  detectedRoles: record(name, detectedRoleSchema),
  stable: stableHash.optional()
})

/** Brief: without role detection, services and listening ports, which `stable` names. */
export const briefHeartbeatSchema: z.ZodType<BriefHeartbeat> = z.strictObject({
  ...heartbeatFields,
  health: z.strictObject(healthFields),
  stable: stableHash
})

/** What the gossip topic carries: a brief heartbeat (most of them, so tried first) or a full one. */
export const wireHeartbeatSchema: z.ZodType<WireHeartbeat> = z.union([briefHeartbeatSchema, heartbeatSchema])
