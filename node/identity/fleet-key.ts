/**
 * The fleet key: a libp2p pnet pre-shared key (`/key/swarm/psk/1.0.0/`, base16, 32 bytes) in
 * `<stateDir>/fleet.key`. Without it a peer cannot open a connection to the fleet.
 */
import { generateKey } from '@libp2p/pnet'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { KeyExistsError, KeyFileError } from './errors.js'
import { createSecretFile, readIfExists } from './files.js'

export const FLEET_KEY_FILE = 'fleet.key'
const HEADER = '/key/swarm/psk/1.0.0/\n/base16/\n'
/** pnet's KEY_LENGTH (not exported from the package root). */
const KEY_LENGTH = 32
// generateKey writes the header plus 2 hex chars per key byte.
const FLEET_KEY_BYTES = HEADER.length + KEY_LENGTH * 2

export function fleetKeyPath (dir: string): string {
  return join(dir, FLEET_KEY_FILE)
}

export function newFleetKey (): Uint8Array {
  const bytes = new Uint8Array(FLEET_KEY_BYTES)
  generateKey(bytes)
  return bytes
}

/** Checks the pnet v1 format and returns the key bytes as `preSharedKey({ psk })` wants them. */
export function parseFleetKey (bytes: Uint8Array, path = 'fleet key'): Uint8Array {
  const lines = Buffer.from(bytes).toString('utf8').split(/\r?\n/)
  if (lines[0] !== '/key/swarm/psk/1.0.0/' || lines[1] !== '/base16/') {
    throw new KeyFileError('ERR_FLEET_KEY_INVALID', path, 'not a libp2p pnet key (expected a /key/swarm/psk/1.0.0/ header, base16)')
  }
  const hex = lines[2] ?? ''
  if (!new RegExp(`^[0-9a-fA-F]{${KEY_LENGTH * 2}}$`).test(hex) || lines.slice(3).some((l) => l.trim() !== '')) {
    throw new KeyFileError('ERR_FLEET_KEY_INVALID', path, `the key line must be ${KEY_LENGTH * 2} hex characters`)
  }
  return new TextEncoder().encode(HEADER + hex.toLowerCase())
}

export async function loadFleetKey (path: string): Promise<Uint8Array> {
  const bytes = await readIfExists(path)
  if (bytes == null) {
    throw new KeyFileError('ERR_NO_FLEET_KEY', path,
      'no fleet key; run `slm init --new-fleet` for a new fleet or `slm init --fleet-key FILE` to join one')
  }
  return parseFleetKey(bytes, path)
}

/** Writes a new fleet key at `path` (0600). Refuses to replace an existing one. */
export async function createFleetKey (path: string): Promise<Uint8Array> {
  const key = newFleetKey()
  if (!await createSecretFile(path, key)) {
    throw new KeyExistsError(path, 'a node belongs to one fleet; remove the file to start a new fleet')
  }
  return key
}

export type CopyFleetKeyResult = 'copied' | 'unchanged'

/**
 * Copies a fleet's key into `<dir>/fleet.key` (0600) after validating it. Copying the same key
 * again is a no-op; a different key is refused, since it would move the node to another fleet.
 */
export async function copyFleetKey (src: string, dir: string): Promise<CopyFleetKeyResult> {
  let raw: Buffer
  try {
    raw = await readFile(src)
  } catch (err) {
    throw new KeyFileError('ERR_NO_FLEET_KEY', src, `cannot read fleet key: ${(err as Error).message}`, { cause: err })
  }
  const key = parseFleetKey(raw, src)
  const dest = fleetKeyPath(dir)
  if (await createSecretFile(dest, key)) return 'copied'
  const current = await loadFleetKey(dest)
  if (Buffer.from(current).equals(Buffer.from(key))) return 'unchanged'
  throw new KeyExistsError(dest, `it holds a different fleet key than ${src}; remove it to move this node to another fleet`)
}
