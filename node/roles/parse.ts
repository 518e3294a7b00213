import { parse as parseYaml, YAMLParseError } from 'yaml'
import { RoleDefinitionError } from './errors.js'
import { isPlainObject } from './fields.js'
import { validateRole } from './validate.js'
import type { RoleDefinition } from '../../protocol/types.js'

function load (text: string): unknown {
  try {
    return parseYaml(text)
  } catch (err) {
    const detail = err instanceof YAMLParseError || err instanceof Error ? err.message : String(err)
    throw new RoleDefinitionError(`invalid YAML: ${detail}`)
  }
}

/** One role definition from YAML (`slm role define FILE.yaml`). */
export function parseRoleYaml (text: string): RoleDefinition {
  return validateRole(load(text))
}

/**
 * Several roles from one YAML file: a list of definitions, a `roles:` list, or a single mapping.
 * Names must be unique within the file.
 */
export function parseRolesYaml (text: string): RoleDefinition[] {
  const doc = load(text)
  let list: unknown[]
  let where = ''
  if (Array.isArray(doc)) {
    list = doc
  } else if (isPlainObject(doc) && Object.keys(doc).length === 1 && Array.isArray(doc.roles)) {
    list = doc.roles
    where = 'roles'
  } else {
    list = [doc]
  }
  const roles = list.map((r, i) => validateRole(r, Array.isArray(doc) || where !== '' ? `${where}[${i}]` : ''))
  const seen = new Set<string>()
  roles.forEach((r, i) => {
    if (seen.has(r.name)) throw new RoleDefinitionError(`duplicate role ${JSON.stringify(r.name)}`, `${where}[${i}].name`)
    seen.add(r.name)
  })
  return roles
}
