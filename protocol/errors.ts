/**
 * One error class per failure, each with a stable `code` that tests and the CLI switch on.
 * Messages say what was wrong and what is allowed.
 */
export class SlmError extends Error {
  readonly code: string
  constructor (code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'SlmError'
    this.code = code
  }
}

/** Untrusted bytes or values failed schema, size or version checks. */
export class ValidationError extends SlmError {
  readonly path: string
  constructor (message: string, path = '', code = 'ERR_VALIDATION') {
    super(code, path === '' ? message : `${path}: ${message}`)
    this.name = 'ValidationError'
    this.path = path
  }
}

/**
 * A signature did not verify against the claimed key. `code` is `ERR_BAD_SIGNATURE` when the
 * bytes were well-formed but the check failed, `ERR_SIGNATURE_FORMAT` for a signature that is not
 * 64 bytes of base64url, `ERR_BAD_KEY` when the claimed key itself is unusable.
 */
export class SignatureError extends SlmError {
  constructor (message: string, code = 'ERR_BAD_SIGNATURE') {
    super(code, message)
    this.name = 'SignatureError'
  }
}
