import { SlmError } from '../../protocol/errors.js'

/** A configuration value is wrong; `key` names it. */
export class ConfigError extends SlmError {
  readonly key: string
  constructor (key: string, message: string) {
    super('ERR_CONFIG', key === '' ? message : `config key '${key}': ${message}`)
    this.name = 'ConfigError'
    this.key = key
  }
}
