import { SlmError } from '../../protocol/errors.js'

/** Code distribution's errors: a bad sha, a bundle that does not verify, a transfer refused. */
export class CodeError extends SlmError {
  constructor (code: string, message: string) {
    super(code, message)
    this.name = 'CodeError'
  }
}
