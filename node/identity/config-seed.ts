/**
 * What `slm init` was told, kept in `<stateDir>/init.json` for the daemon's first start: the node
 * name and the admin public keys that bootstrap the trust list (DESIGN.md, "Operators"). Running
 * init again merges: a new `--name` replaces the name, new `--admin-pubkey`s are added.
 */
import { hostname } from 'node:os'
import { join } from 'node:path'
import { parseOperatorPublicKey } from '../../protocol/sign.js'
import { InitSeedError } from './errors.js'
import { readIfExists, writeSecretFile } from './files.js'

export const INIT_SEED_FILE = 'init.json'
const SEED_VERSION = 1

/** `ed25519:` + base64url of the raw 32-byte public key (43 characters, no padding). */
export const OPERATOR_PUBKEY = /^ed25519:[A-Za-z0-9_-]{43}$/
/** Node names appear in targets and tables: keep them shell- and table-friendly. */
export const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/

export interface InitSeed {
  v: number
  name: string
  adminPubkeys: string[]
  /** ms since epoch of the first init */
  createdAt: number
  updatedAt: number
}

export interface InitSeedInput {
  name?: string
  adminPubkeys?: string[]
  /** ms since epoch; passed in for tests */
  now?: number
}

export function initSeedPath (dir: string): string {
  return join(dir, INIT_SEED_FILE)
}

export function validateAdminPubkey (key: string): string {
  const k = key.trim()
  let ok = OPERATOR_PUBKEY.test(k)
  // The canonical check too: two spellings of one key would make two trust entries.
  try { parseOperatorPublicKey(k) } catch { ok = false }
  if (!ok) {
    throw new InitSeedError(`invalid admin public key ${JSON.stringify(key)}; expected ed25519:<43 base64url chars> as printed by \`slm keygen\``)
  }
  return k
}

export function validateNodeName (name: string): string {
  if (!NODE_NAME.test(name)) {
    throw new InitSeedError(`invalid node name ${JSON.stringify(name)}; use letters, digits, . _ - (max 63, starting with a letter or digit)`)
  }
  return name
}

/** Default node name: the host name up to the first dot, made name-safe. */
export function defaultNodeName (): string {
  const short = hostname().split('.')[0].replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '')
  return short === '' ? 'node' : short.slice(0, 63)
}

export async function readInitSeed (dir: string): Promise<InitSeed | null> {
  const path = initSeedPath(dir)
  const raw = await readIfExists(path)
  if (raw == null) return null
  let doc: unknown
  try {
    doc = JSON.parse(raw.toString('utf8'))
  } catch (err) {
    throw new InitSeedError(`${path}: not valid JSON (${(err as Error).message})`)
  }
  const d = doc as Partial<InitSeed>
  if (typeof d !== 'object' || d == null || typeof d.name !== 'string' || !Array.isArray(d.adminPubkeys)) {
    throw new InitSeedError(`${path}: expected {name, adminPubkeys[]}`)
  }
  return {
    v: typeof d.v === 'number' ? d.v : SEED_VERSION,
    name: d.name,
    adminPubkeys: d.adminPubkeys.filter((k): k is string => typeof k === 'string'),
    createdAt: typeof d.createdAt === 'number' ? d.createdAt : 0,
    updatedAt: typeof d.updatedAt === 'number' ? d.updatedAt : 0
  }
}

/** Merges `input` into the stored seed and writes it atomically. Returns what was stored. */
export async function writeInitSeed (dir: string, input: InitSeedInput): Promise<InitSeed> {
  const now = input.now ?? Date.now()
  const prev = await readInitSeed(dir)
  const name = validateNodeName(input.name ?? prev?.name ?? defaultNodeName())
  const added = (input.adminPubkeys ?? []).map(validateAdminPubkey)
  const seed: InitSeed = {
    v: SEED_VERSION,
    name,
    adminPubkeys: [...new Set([...(prev?.adminPubkeys ?? []), ...added])],
    createdAt: prev?.createdAt ?? now,
    updatedAt: now
  }
  await writeSecretFile(initSeedPath(dir), JSON.stringify(seed, null, 2) + '\n')
  return seed
}
