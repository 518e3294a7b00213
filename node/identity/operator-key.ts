/**
 * Operator keys: Ed25519 keys held by people (`slm keygen`), PKCS#8 PEM in a 0600 file. The
 * public half, `ed25519:<base64url>`, is what the trust list and command envelopes carry.
 */
import { join } from 'node:path'
import { generateOperatorKey, operatorPublicKeyFromPem } from '../../protocol/sign.js'
import { KeyExistsError, KeyFileError } from './errors.js'
import { createSecretFile, fileMode, readIfExists, writeSecretFile } from './files.js'

export interface OperatorKey {
  path: string
  privateKeyPem: string
  /** `ed25519:<base64url raw 32 bytes>` */
  publicKey: string
}

export { defaultOperatorKeyPath } from './paths.js'

/**
 * Writes a PEM private key at `path` with mode 0600 (parent dirs 0700). An existing file is an
 * operator's only copy of a key the fleet trusts, so it is replaced only with `force`.
 */
export async function writeOperatorKey (path: string, pem: string, opts: { force?: boolean } = {}): Promise<void> {
  const text = pem.endsWith('\n') ? pem : pem + '\n'
  if (opts.force === true) {
    await writeSecretFile(path, text)
    return
  }
  if (!await createSecretFile(path, text)) {
    throw new KeyExistsError(path, 'it may be the only copy of a trusted operator key; use --force to replace it')
  }
}

/** Generates a key pair and writes it (see writeOperatorKey). */
export async function createOperatorKey (path: string, opts: { force?: boolean } = {}): Promise<OperatorKey> {
  const { privateKeyPem, publicKey } = generateOperatorKey()
  await writeOperatorKey(path, privateKeyPem, opts)
  return { path, privateKeyPem, publicKey }
}

export async function loadOperatorKey (path: string): Promise<OperatorKey> {
  const raw = await readIfExists(path)
  if (raw == null) throw new KeyFileError('ERR_NO_OPERATOR_KEY', path, 'no operator key; create one with `slm keygen` or pass --key FILE')
  const privateKeyPem = raw.toString('utf8')
  let publicKey: string
  try {
    publicKey = operatorPublicKeyFromPem(privateKeyPem)
  } catch (err) {
    throw new KeyFileError('ERR_OPERATOR_KEY_INVALID', path, 'not an Ed25519 private key in PEM (PKCS#8) form', { cause: err })
  }
  return { path, privateKeyPem, publicKey }
}

/** True when group or others can read the key file; callers may warn, as ssh does. */
export async function isKeyFileTooOpen (path: string): Promise<boolean> {
  return ((await fileMode(path)) & 0o077) !== 0
}
