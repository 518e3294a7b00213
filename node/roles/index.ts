/**
 * Role definitions: the seeds' defaults, validation of operator-supplied definitions (YAML),
 * and the per-node arithmetic of assigned, detected and effective roles.
 */
export { DEFAULT_ROLES, DEFAULT_ROLE_NAMES, defaultRoles } from './defaults.js'
export {
  effectiveRoles,
  resolveTargetPath,
  affectedRoles,
  normalizeRepoPath,
  pathWithin
} from './effective.js'
export {
  validateRole,
  readHealthCheck,
  ROLE_NAME,
  SERVICE_TYPES,
  UPDATE_STRATEGIES,
  DEFAULT_UPDATE_STRATEGIES
} from './validate.js'
export { parseRoleYaml, parseRolesYaml } from './parse.js'
export { camelKey } from './fields.js'
export { RoleDefinitionError } from './errors.js'
