import { ValidationError } from '../../protocol/errors.js'

/** A role definition (YAML file or command params) is malformed; `path` names the bad key. */
export class RoleDefinitionError extends ValidationError {
  constructor (message: string, path = '') {
    super(message, path, 'ERR_ROLE_INVALID')
    this.name = 'RoleDefinitionError'
  }
}
