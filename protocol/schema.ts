/**
 * Runtime validation of untrusted values. Each `validateX` returns the value typed, or throws a
 * ValidationError whose `path` names the bad field (`heartbeat.health.cpuPercent`); `code` is
 * `ERR_VERSION` for a protocol version we do not speak and `ERR_VALIDATION` otherwise. Nothing
 * else ever escapes, so callers can catch one class where bytes are dispatched (STYLE 8).
 *
 * Every object is strict: an unknown field is an error, not silently dropped, because a dropped
 * field would change the canonical bytes a signature covers and hide a version mismatch.
 */
import type {
  Action, ActionParams, CommandEnvelope, DesiredCode, DetectedRole, GossipMessage, Health, HealthCheck,
  Heartbeat, Lease, MaintenanceWindow, NodeEvent, Register, RoleDefinition, SyncDigest, SyncRequest,
  SyncResponse, Target, TrustEntry, UnsignedCommand, UnsignedNodeEvent
} from './types.js'
import { ValidationError } from './errors.js'
import { validator } from './schema/common.js'
import { ACTION_PARAMS, commandEnvelopeSchema, targetSchema, unsignedCommandSchema } from './schema/command.js'
import { nodeEventSchema, unsignedNodeEventSchema } from './schema/event.js'
import {
  desiredCodeSchema, healthCheckSchema, maintenanceWindowSchema, registerSchema, roleDefinitionSchema,
  trustEntrySchema
} from './schema/fleet.js'
import { detectedRoleSchema, healthSchema, heartbeatSchema, leaseSchema } from './schema/heartbeat.js'
import { gossipMessageSchema, syncDigestSchema, syncRequestSchema, syncResponseSchema } from './schema/sync.js'

export { LIMITS, NAME_PATTERN } from './schema/common.js'
export { ACTION_PARAMS, targetSchema, commandEnvelopeSchema, unsignedCommandSchema } from './schema/command.js'
export { EVENT_BODIES, nodeEventSchema, unsignedNodeEventSchema } from './schema/event.js'
export {
  desiredCodeSchema, healthCheckSchema, maintenanceWindowSchema, registerSchema, roleDefinitionSchema,
  trustEntrySchema
} from './schema/fleet.js'
export { detectedRoleSchema, healthSchema, heartbeatSchema, leaseSchema } from './schema/heartbeat.js'
export { gossipMessageSchema, syncDigestSchema, syncRequestSchema, syncResponseSchema } from './schema/sync.js'

type Validator<T> = (value: unknown, path?: string) => T

export const validateHeartbeat: Validator<Heartbeat> = validator(heartbeatSchema, 'heartbeat')
export const validateHealth: Validator<Health> = validator(healthSchema, 'health')
export const validateDetectedRole: Validator<DetectedRole> = validator(detectedRoleSchema, 'detected role')
export const validateLease: Validator<Lease> = validator(leaseSchema, 'lease')

export const validateNodeEvent: Validator<NodeEvent> = validator(nodeEventSchema, 'node event')
export const validateUnsignedNodeEvent: Validator<UnsignedNodeEvent> = validator(unsignedNodeEventSchema, 'node event')

/**
 * Commands that came out of a gossip message's or a sync batch's validation: parsed by the same
 * command schema there, so validateCommand, which checkCommand runs on every command whatever its
 * path, takes them as they are instead of parsing each one again on every member. zod hands out
 * new objects, so only what that validation returned is in here; the signature is still checked,
 * and any change to such an object would break it.
 */
const parsedCommands = new WeakSet<object>()
const parseCommand = validator(commandEnvelopeSchema, 'command')

export const validateCommand: Validator<CommandEnvelope> = (value, path) =>
  typeof value === 'object' && value !== null && parsedCommands.has(value) ? value as CommandEnvelope : parseCommand(value, path)

/** `validate`, remembering the commands in what it returns as parsed (parsedCommands). */
function markingCommands<T> (validate: Validator<T>, commandsOf: (value: T) => CommandEnvelope[] | undefined): Validator<T> {
  return (value, path) => {
    const out = validate(value, path)
    for (const cmd of commandsOf(out) ?? []) parsedCommands.add(cmd)
    return out
  }
}
/** Same as `validateCommand`; the name matches the type. */
export const validateCommandEnvelope = validateCommand
export const validateUnsignedCommand: Validator<UnsignedCommand> = validator(unsignedCommandSchema, 'command')
export const validateTarget: Validator<Target> = validator(targetSchema, 'target')

export const validateRoleDefinition: Validator<RoleDefinition> = validator(roleDefinitionSchema, 'role definition')
export const validateHealthCheck: Validator<HealthCheck> = validator(healthCheckSchema, 'health check')
export const validateTrustEntry: Validator<TrustEntry> = validator(trustEntrySchema, 'trust entry')
export const validateMaintenanceWindow: Validator<MaintenanceWindow> = validator(maintenanceWindowSchema, 'maintenance window')
export const validateDesiredCode: Validator<DesiredCode> = validator(desiredCodeSchema, 'desired code')
export const validateRegister: Validator<Register> = validator(registerSchema, 'register')

export const validateSyncDigest: Validator<SyncDigest> = validator(syncDigestSchema, 'sync digest')
export const validateSyncRequest: Validator<SyncRequest> = validator(syncRequestSchema, 'sync request')
export const validateSyncResponse: Validator<SyncResponse> = markingCommands(validator(syncResponseSchema, 'sync response'),
  (res) => res.kind === 'commands' ? res.commands : undefined)
export const validateGossipMessage: Validator<GossipMessage> = markingCommands(validator(gossipMessageSchema, 'gossip message'),
  (msg) => msg.kind === 'command' ? [msg.command] : msg.kind === 'events' ? msg.commands : undefined)

const paramValidators = new Map<Action, Validator<unknown>>()

/** Validate one action's params, e.g. when the CLI or TUI builds a command before signing it. */
export function validateParams<A extends Action> (action: A, params: unknown, path = 'params'): ActionParams[A] {
  let v = paramValidators.get(action)
  if (v == null) {
    // hasOwn: `valueOf` or `__proto__` must not find Object.prototype's members.
    if (typeof action !== 'string' || !Object.hasOwn(ACTION_PARAMS, action)) throw new ValidationError(`unknown action; one of ${Object.keys(ACTION_PARAMS).join(', ')}`, 'action')
    v = validator(ACTION_PARAMS[action], `${action} params`)
    paramValidators.set(action, v)
  }
  return v(params, path) as ActionParams[A]
}
