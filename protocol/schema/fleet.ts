/**
 * Fleet data: values held in last-writer-wins registers, written only by signed commands. A role
 * definition ends up on every node and its commands run there, so every field is bounded.
 */
import { z } from 'zod'
import type {
  DesiredCode, HealthCheck, MaintenanceWindow, Register, RoleDefinition, TrustEntry
} from '../types.js'
import {
  LIMITS, hlc, json, list, ms, name, nonEmpty, operatorKey, port, sha, targetEntry, text, ulid,
  unitName
} from './common.js'

const timeoutMs = z.int().min(1).max(600_000)
const host = nonEmpty(255)

export const healthCheckSchema: z.ZodType<HealthCheck> = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('tcp'), port, host: host.optional(), timeoutMs: timeoutMs.optional() }),
  z.strictObject({
    kind: z.literal('http'),
    port,
    path: nonEmpty(LIMITS.path).regex(/^\//, { error: 'an http path starts with /' }),
    host: host.optional(),
    expectStatus: z.int().min(100).max(599).optional(),
    timeoutMs: timeoutMs.optional()
  }),
  z.strictObject({ kind: z.literal('command'), command: nonEmpty(LIMITS.text), timeoutMs: timeoutMs.optional() })
])

export const updateStrategySchema = z.enum(['all-at-once', 'rolling', 'maintenance-window'])
export const maintenanceTypeSchema = z.enum(['draining', 'planned', 'immediate'])

export const roleDefinitionSchema: z.ZodType<RoleDefinition> = z.strictObject({
  name,
  displayName: nonEmpty(128),
  description: text(LIMITS.comment),
  serviceType: z.enum(['stateless', 'stateful']),
  systemdServices: list(unitName, 64),
  requiredTags: list(name, 64),
  dependencies: list(name, 64),
  healthChecks: list(healthCheckSchema, 32),
  installCommand: text(LIMITS.text).optional(),
  purgeCommand: text(LIMITS.text).optional(),
  ansiblePlaybook: text(LIMITS.path).optional(),
  updateStrategies: list(updateStrategySchema, 3).min(1, { error: 'needs at least one strategy' }),
  sourcePaths: list(nonEmpty(LIMITS.path)),
  targetPath: nonEmpty(LIMITS.path),
  autoRestart: z.boolean(),
  preSyncCommand: text(LIMITS.text).optional(),
  postSyncCommand: text(LIMITS.text).optional(),
  ports: list(port, 64),
  detectPath: text(LIMITS.path).optional()
})

export const trustEntrySchema: z.ZodType<TrustEntry> = z.strictObject({
  key: operatorKey,
  name,
  role: z.enum(['admin', 'operator', 'viewer'])
})

export const maintenanceWindowSchema: z.ZodType<MaintenanceWindow> = z.strictObject({
  id: name,
  nodes: list(targetEntry, LIMITS.nodeList),
  start: ms,
  end: ms,
  type: maintenanceTypeSchema,
  reason: text(LIMITS.comment)
}).refine((w) => w.end > w.start, { error: 'end must be after start', path: ['end'] })

export const desiredCodeSchema: z.ZodType<DesiredCode> = z.strictObject({
  role: name,
  sha,
  strategy: updateStrategySchema,
  batch: z.int().min(1).max(100),
  paused: z.boolean(),
  previous: sha.optional()
})

/** Register keys are paths like `trust/ed25519:…`, `assign/<node>/<role>`: printable ASCII. */
export const registerKey = nonEmpty(512).regex(/^[\x21-\x7e]+$/, { error: 'printable ASCII without spaces' })

export const registerSchema: z.ZodType<Register> = z.strictObject({
  key: registerKey,
  value: json,
  hlc,
  commandId: ulid
})
