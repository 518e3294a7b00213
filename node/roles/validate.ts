/**
 * Validation of a role definition from an untrusted source (a YAML file, a command's params).
 * Missing optional fields get the defaults below; unknown or malformed fields are errors that
 * name the key. Both predecessors' spellings are accepted (seed 000 `services`, seed 001
 * `pre_sync_cmd`), in snake, kebab or camel case.
 */
import { RoleDefinitionError } from './errors.js'
import {
  isPlainObject, join, normalizeKeys, readBoolean, readEnum, readInt, readList, readOptionalString,
  readPort, readString, unique
} from './fields.js'
import type { HealthCheck, RoleDefinition, ServiceType, UpdateStrategy } from '../../protocol/types.js'

export const SERVICE_TYPES: readonly ServiceType[] = ['stateless', 'stateful']
export const UPDATE_STRATEGIES: readonly UpdateStrategy[] = ['all-at-once', 'rolling', 'maintenance-window']
/** @default update strategies when a definition gives none */
export const DEFAULT_UPDATE_STRATEGIES: UpdateStrategy[] = ['rolling']

export const ROLE_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/
const UNIT_NAME = /^[A-Za-z0-9@._:\\-]+$/

const ROLE_KEYS: ReadonlySet<string> = new Set([
  'name', 'displayName', 'description', 'serviceType', 'systemdServices', 'requiredTags',
  'dependencies', 'healthChecks', 'installCommand', 'purgeCommand', 'ansiblePlaybook',
  'updateStrategies', 'sourcePaths', 'targetPath', 'autoRestart', 'preSyncCommand',
  'postSyncCommand', 'ports', 'detectPath'
])
const ROLE_ALIASES: Readonly<Record<string, string>> = {
  services: 'systemdServices',
  systemdService: 'systemdServices',
  installPlaybook: 'ansiblePlaybook',
  preSyncCmd: 'preSyncCommand',
  postSyncCmd: 'postSyncCommand',
  installCmd: 'installCommand',
  purgeCmd: 'purgeCommand',
  tags: 'requiredTags'
}
const CHECK_KEYS: ReadonlySet<string> = new Set(['kind', 'port', 'path', 'host', 'expectStatus', 'command', 'timeoutMs'])
const CHECK_ALIASES: Readonly<Record<string, string>> = { type: 'kind', cmd: 'command' }
const CHECK_FIELDS: Record<HealthCheck['kind'], readonly string[]> = {
  tcp: ['kind', 'port', 'host', 'timeoutMs'],
  http: ['kind', 'port', 'path', 'host', 'expectStatus', 'timeoutMs'],
  command: ['kind', 'command', 'timeoutMs']
}

export function validateRole (value: unknown, where = ''): RoleDefinition {
  if (!isPlainObject(value)) throw new RoleDefinitionError('a role definition must be a mapping of keys to values', where)
  const { values: v, spelled } = normalizeKeys(value, ROLE_KEYS, ROLE_ALIASES, where)
  const at = (key: string): string => spelled[key] ?? join(where, key)
  const has = (key: string): boolean => v[key] != null

  if (!has('name')) throw new RoleDefinitionError('missing required key', join(where, 'name'))
  const name = readString(v.name, at('name'), { pattern: ROLE_NAME, hint: 'lower-case letters, digits, . _ -' })
  const strings = (key: string): string[] =>
    has(key) ? unique(readList(v[key], at(key), (x, p) => readString(x, p, { nonEmpty: true })), at(key)) : []

  const role: RoleDefinition = {
    name,
    displayName: has('displayName') ? readString(v.displayName, at('displayName'), { nonEmpty: true }) : name,
    description: has('description') ? readString(v.description, at('description')) : '',
    serviceType: has('serviceType') ? readEnum(v.serviceType, at('serviceType'), SERVICE_TYPES) : 'stateless',
    systemdServices: has('systemdServices')
      ? unique(readList(v.systemdServices, at('systemdServices'), (x, p) =>
        readString(x, p, { pattern: UNIT_NAME, hint: 'a systemd unit name' })), at('systemdServices'))
      : [],
    requiredTags: strings('requiredTags'),
    dependencies: strings('dependencies'),
    healthChecks: has('healthChecks') ? readList(v.healthChecks, at('healthChecks'), readHealthCheck) : [],
    updateStrategies: has('updateStrategies')
      ? unique(readList(v.updateStrategies, at('updateStrategies'), (x, p) => readEnum(x, p, UPDATE_STRATEGIES)), at('updateStrategies'))
      : [...DEFAULT_UPDATE_STRATEGIES],
    sourcePaths: strings('sourcePaths'),
    targetPath: has('targetPath') ? readTargetPath(v.targetPath, at('targetPath')) : `roles/${name}`,
    autoRestart: has('autoRestart') ? readBoolean(v.autoRestart, at('autoRestart')) : false,
    ports: has('ports') ? unique(readList(v.ports, at('ports'), readPort), at('ports')) : []
  }
  if (role.updateStrategies.length === 0) throw new RoleDefinitionError('needs at least one strategy', at('updateStrategies'))
  if (role.dependencies.includes(name)) throw new RoleDefinitionError('a role cannot depend on itself', at('dependencies'))
  for (const key of ['installCommand', 'purgeCommand', 'ansiblePlaybook', 'preSyncCommand', 'postSyncCommand', 'detectPath'] as const) {
    const s = readOptionalString(v[key], at(key))
    if (s != null) role[key] = s
  }
  return role
}

/** Relative target paths live under the state dir; `..` would let a role write outside it. */
function readTargetPath (v: unknown, path: string): string {
  const s = readString(v, path, { nonEmpty: true })
  if (!s.startsWith('/') && s.split(/[\\/]/).includes('..')) {
    throw new RoleDefinitionError('a relative target path must not contain ..', path)
  }
  return s
}

export function readHealthCheck (value: unknown, where: string): HealthCheck {
  if (!isPlainObject(value)) throw new RoleDefinitionError('a health check must be a mapping', where)
  const { values: v, spelled } = normalizeKeys(value, CHECK_KEYS, CHECK_ALIASES, where)
  const at = (key: string): string => spelled[key] ?? join(where, key)
  if (v.kind == null) throw new RoleDefinitionError('missing required key (tcp, http or command)', join(where, 'kind'))
  const kind = readEnum(v.kind, at('kind'), ['tcp', 'http', 'command'] as const)
  for (const key of Object.keys(v)) {
    if (!CHECK_FIELDS[kind].includes(key)) {
      throw new RoleDefinitionError(`not used by a ${kind} check; allowed: ${CHECK_FIELDS[kind].join(', ')}`, at(key))
    }
  }
  const timeoutMs = v.timeoutMs != null ? readInt(v.timeoutMs, at('timeoutMs'), 1, 600_000) : undefined
  const host = readOptionalString(v.host, at('host'))
  let check: HealthCheck
  if (kind === 'command') {
    if (v.command == null) throw new RoleDefinitionError('missing required key', join(where, 'command'))
    check = { kind, command: readString(v.command, at('command'), { nonEmpty: true }) }
  } else {
    if (v.port == null) throw new RoleDefinitionError('missing required key', join(where, 'port'))
    const port = readPort(v.port, at('port'))
    if (kind === 'tcp') {
      check = { kind, port }
    } else {
      if (v.path == null) throw new RoleDefinitionError('missing required key', join(where, 'path'))
      const path = readString(v.path, at('path'), { pattern: /^\//, hint: 'an http path starts with /' })
      check = { kind, port, path }
      if (v.expectStatus != null) check.expectStatus = readInt(v.expectStatus, at('expectStatus'), 100, 599)
    }
    if (host != null) check.host = host
  }
  if (timeoutMs != null) check.timeoutMs = timeoutMs
  return check
}
