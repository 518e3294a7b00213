import { SlmError } from '../../protocol/errors.js'

/** A key file is missing, unreadable or not in the expected format. */
export class KeyFileError extends SlmError {
  readonly path: string
  constructor (code: string, path: string, message: string, options?: { cause?: unknown }) {
    super(code, `${path}: ${message}`, options)
    this.name = 'KeyFileError'
    this.path = path
  }
}

/** Refused to replace an existing key file (node keys never; operator keys without force). */
export class KeyExistsError extends SlmError {
  readonly path: string
  constructor (path: string, hint: string) {
    super('ERR_KEY_EXISTS', `${path} already exists; ${hint}`)
    this.name = 'KeyExistsError'
    this.path = path
  }
}

/** `init.json` or an `--admin-pubkey` value is malformed. */
export class InitSeedError extends SlmError {
  constructor (message: string) {
    super('ERR_INIT_SEED', message)
    this.name = 'InitSeedError'
  }
}
