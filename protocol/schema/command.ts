/**
 * Operator command envelopes and the params of every action. The envelope is checked first, then
 * its params against the action's own schema, so `{action: 'role_assign', params: {tag: …}}` is a
 * validation error naming `params.tag`, not something a handler has to guess about.
 */
import { z } from 'zod'
import { ACTIONS, type Action, type ActionParams, type CommandEnvelope, type Target, type UnsignedCommand } from '../types.js'
import {
  LIMITS, hlc, list, ms, name, nodeId, operatorKey, record, sha, signature, text, ulid, version
} from './common.js'
import { maintenanceTypeSchema, roleDefinitionSchema, updateStrategySchema } from './fleet.js'

const empty = z.strictObject({})
const role = z.strictObject({ role: name })
const reason = text(LIMITS.comment).optional()

export const ACTION_PARAMS: { [A in Action]: z.ZodType<ActionParams[A]> } = {
  admit: empty,
  reject: empty,
  admission_policy: z.strictObject({ policy: z.enum(['manual', 'auto']) }),
  maintenance_enter: z.strictObject({ type: maintenanceTypeSchema, reason }),
  maintenance_exit: empty,
  maintenance_schedule: z.strictObject({ id: name, start: ms, end: ms, type: maintenanceTypeSchema, reason })
    .refine((p) => p.end > p.start, { error: 'end must be after start', path: ['end'] }),
  maintenance_cancel: z.strictObject({ id: name }),
  reprovision: empty,
  recover: empty,
  reset_install: z.strictObject({ force: z.boolean() }),
  retire: empty,
  role_assign: role,
  role_unassign: role,
  role_define: z.strictObject({ role: roleDefinitionSchema }),
  role_delete: z.strictObject({ name }),
  tag_add: z.strictObject({ tag: name }),
  tag_remove: z.strictObject({ tag: name }),
  trust_add: z.strictObject({ key: operatorKey, name, role: z.enum(['admin', 'operator', 'viewer']) }),
  trust_remove: z.strictObject({ key: operatorKey }),
  code_sync: z.strictObject({
    role: name,
    commit: sha,
    strategy: updateStrategySchema.optional(),
    batch: z.int().min(1).max(100).optional()
  }),
  code_pause: role,
  code_resume: role,
  code_rollback: role,
  code_source_pin: z.strictObject({ node: nodeId }),
  code_source_unpin: empty
} as { [A in Action]: z.ZodType<ActionParams[A]> }

export const targetSchema: z.ZodType<Target> = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('all') }),
  z.strictObject({ kind: z.literal('nodes'), nodes: list(nodeId, LIMITS.nodeList).min(1, { error: 'name at least one node' }) }),
  z.strictObject({ kind: z.literal('role'), role: name }),
  z.strictObject({ kind: z.literal('tag'), tag: name })
])

const unsignedFields = {
  v: version,
  id: ulid,
  issuer: operatorKey,
  issuedAt: hlc,
  expiresAt: ms,
  target: targetSchema,
  action: z.enum(ACTIONS),
  // Shape checked per action below; z.record keeps the object as is for signature checks.
  params: record(z.string().max(64), z.unknown(), 64),
  comment: text(LIMITS.comment)
}

/** Checks `params` against the action's schema, reporting issues under `params.…`. */
function checkParams (cmd: { action: Action, params: unknown }, ctx: z.core.$RefinementCtx): void {
  const result = ACTION_PARAMS[cmd.action].safeParse(cmd.params)
  if (result.success) return
  for (const issue of result.error.issues) {
    const path = ['params', ...issue.path.map((p) => typeof p === 'symbol' ? String(p) : p)]
    if (issue.code === 'unrecognized_keys') path.push(issue.keys[0] ?? '')
    ctx.addIssue({ code: 'custom', message: issue.code === 'unrecognized_keys' ? `unknown field for action ${cmd.action}` : issue.message, path })
  }
}

export const unsignedCommandSchema: z.ZodType<UnsignedCommand> = z.strictObject(unsignedFields).superRefine(checkParams)
export const commandEnvelopeSchema: z.ZodType<CommandEnvelope> =
  z.strictObject({ ...unsignedFields, sig: signature }).superRefine(checkParams)

/** Validate one action's params on their own, e.g. when the CLI builds a command. */
export function paramsSchema<A extends Action> (action: A): z.ZodType<ActionParams[A]> {
  return ACTION_PARAMS[action]
}
