/**
 * Building blocks shared by every schema: bounded strings and lists, ids, and the one conversion
 * from a zod failure to our ValidationError. Every bound here exists because the bytes come from
 * peers we do not control: an unbounded field is a memory or disk exhaustion vector once it is
 * replicated to every node (seed gotcha: the predecessor stored whatever agents sent).
 */
import { z } from 'zod'
import { ValidationError } from '../errors.js'
import { HLC_PATTERN } from '../hlc.js'
import { ULID_PATTERN } from '../ids.js'
import { PROTOCOL_VERSION } from '../types.js'

export const LIMITS = {
  nodeId: 128,
  name: 64,
  comment: 1024,
  text: 4096,
  path: 1024,
  list: 256,
  nodeList: 1024,
  addrs: 32,
  addr: 512,
  changedPaths: 1000,
  recordKeys: 256,
  /** Free-form JSON (transition metadata, register values): depth and total node count. */
  jsonDepth: 8,
  jsonNodes: 2000,
  syncBatch: 1000,
  /** Events in one `events` gossip message (one node action writes three). */
  gossipEvents: 64,
  /** Commands riding with the events of their application in one `events` gossip message. */
  gossipCommands: 16,
  /** Heartbeats in one relay's `beats` bundle (a slot is ~10 members). */
  bundleBeats: 64,
  /** One relayed heartbeat's base64url bytes: a larger heartbeat goes out directly instead. */
  beatChars: 128 * 1024,
  syncHave: 50_000,
  digestOrigins: 10_000
} as const

const VERSION_MESSAGE = `unsupported protocol version; this node speaks v${PROTOCOL_VERSION}`

export const version = z.literal(PROTOCOL_VERSION, { error: VERSION_MESSAGE })

const pattern = (re: RegExp, hint: string, max: number): z.ZodString =>
  z.string().max(max, { error: `at most ${max} characters` }).regex(re, { error: `expected ${hint}` })

export const NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/
/** Names: roles, tags, node names, operator names, window ids. */
export const name = pattern(NAME_PATTERN, 'a name of 1-64 chars A-Z a-z 0-9 . _ -', LIMITS.name)
/** libp2p PeerId strings are base58btc or base32 (alphanumeric); test fixtures use plain names. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/
export const nodeId = pattern(NODE_ID_PATTERN, 'a node id of 1-128 chars A-Z a-z 0-9 . _ -', LIMITS.nodeId)
/** A node id, or a stored target selector: `*`, `role:R`, `tag:T`. */
export const targetEntry = pattern(/^(\*|[A-Za-z0-9._:-]{1,140})$/, 'a node id, name, *, role:R or tag:T', 140)
export const hlc = pattern(HLC_PATTERN, 'an HLC "<15-digit ms>-<6-digit counter>"', 22)
export const ulid = pattern(ULID_PATTERN, 'a ULID (26 chars Crockford base32)', 26)
export const sha = pattern(/^[0-9a-f]{40}$/, 'a full 40-hex lower-case git commit sha', 40)
export const operatorKey = pattern(/^ed25519:[A-Za-z0-9_-]{43}$/, 'an operator key "ed25519:<base64url of 32 bytes>"', 51)
/** Ed25519 signatures are 64 bytes: 86 unpadded base64url chars. */
export const signature = pattern(/^[A-Za-z0-9_-]{86}$/, 'a base64url Ed25519 signature (86 chars)', 86)
export const unitName = pattern(/^[A-Za-z0-9@._:\\-]{1,256}$/, 'a systemd unit name', 256)
export const hash = pattern(/^[A-Za-z0-9+/=_-]{0,128}$/, 'a hash of at most 128 base64/hex chars', 128)

export const text = (max: number = LIMITS.text): z.ZodString =>
  z.string().max(max, { error: `at most ${max} characters` })
export const nonEmpty = (max: number = LIMITS.text): z.ZodString =>
  z.string().min(1, { error: 'must not be empty' }).max(max, { error: `at most ${max} characters` })
export const list = <T extends z.ZodType>(item: T, max: number = LIMITS.list): z.ZodArray<T> =>
  z.array(item).max(max, { error: `at most ${max} items` })

export const ms = z.int().min(0)
export const count = z.int().min(0)
export const port = z.int().min(1).max(65_535)
export const percent = z.number().min(0).max(100)

/**
 * A record keyed by a bounded pattern. zod silently drops an own `__proto__` key (JSON.parse makes
 * one), which would change signed bytes behind our back, so it is refused before zod sees it.
 * zod 4 builds the record as an ordinary object (a test pins it), so no copy follows: each wrapper
 * layer costs about a microsecond, and every heartbeat carries two records.
 */
export const record = <V extends z.ZodType>(key: z.ZodString, value: V, max: number = LIMITS.recordKeys) =>
  z.custom<object>((v) => v === null || typeof v !== 'object' || !Object.hasOwn(v, '__proto__'),
    { error: '__proto__ is not allowed as a key' })
    .pipe(z.record(key, value).refine((r) => Object.keys(r).length <= max, { error: `at most ${max} keys` }))

/** Any JSON value, bounded in depth, node count and string length. Passed through unchanged. */
export const json = z.unknown().superRefine((value, ctx) => {
  const problem = checkJson(value)
  if (problem != null) ctx.addIssue({ code: 'custom', message: problem })
})

function checkJson (root: unknown): string | null {
  let nodes = 0
  const walk = (v: unknown, depth: number): string | null => {
    if (++nodes > LIMITS.jsonNodes) return `at most ${LIMITS.jsonNodes} JSON values`
    if (depth > LIMITS.jsonDepth) return `nested deeper than ${LIMITS.jsonDepth}`
    if (v === null || typeof v === 'boolean') return null
    if (typeof v === 'number') return Number.isFinite(v) ? null : 'numbers must be finite'
    if (typeof v === 'string') return v.length <= LIMITS.text ? null : `strings of at most ${LIMITS.text} characters`
    if (Array.isArray(v)) {
      for (const x of v) { const p = walk(x, depth + 1); if (p != null) return p }
      return null
    }
    if (typeof v === 'object' && isPlain(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === '__proto__' || k.length > LIMITS.name * 2) return `bad key ${JSON.stringify(k.slice(0, 32))}`
        const p = walk(x, depth + 1); if (p != null) return p
      }
      return null
    }
    return 'not a JSON value'
  }
  return walk(root, 0)
}

function isPlain (v: object): boolean {
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/** First zod issue as a ValidationError naming the field. Never lets a ZodError escape. */
export function toValidationError (error: z.ZodError, prefix = ''): ValidationError {
  const issue = deepest(error.issues[0])
  if (issue == null) return new ValidationError('invalid value', prefix)
  let path = [...(issue.path ?? [])]
  let message = issue.message
  if (issue.code === 'unrecognized_keys') {
    path = [...path, issue.keys[0] ?? '']
    message = `unknown field${issue.keys.length > 1 ? 's ' + issue.keys.join(', ') : ''}; it is not part of protocol v${PROTOCOL_VERSION}`
  }
  const where = formatPath(prefix, path)
  return new ValidationError(message, where, message === VERSION_MESSAGE ? 'ERR_VERSION' : 'ERR_VALIDATION')
}

/** A non-discriminated union reports "Invalid input"; its branches' own issues say more. */
function deepest (issue: z.core.$ZodIssue | undefined): z.core.$ZodIssue | undefined {
  if (issue?.code !== 'invalid_union' || issue.errors.length === 0) return issue
  const best = issue.errors.reduce((a, b) => (b.length > 0 && (a.length === 0 || (b[0]?.path.length ?? 0) > (a[0]?.path.length ?? 0)) ? b : a))
  const inner = best[0]
  return inner == null ? issue : deepest({ ...inner, path: [...issue.path, ...inner.path] })
}

export function formatPath (prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`
    else out += out === '' ? String(p) : `.${String(p)}`
  }
  return out
}

/** A validator that throws only ValidationError, whatever it is handed. */
export function validator<T> (schema: z.ZodType<T>, what: string): (value: unknown, path?: string) => T {
  return (value, path = '') => {
    let result
    try {
      result = schema.safeParse(value)
    } catch (err) {
      // zod does not throw on data, but a hostile getter or proxy could; keep the contract anyway.
      throw new ValidationError(`${what} could not be read: ${String((err as Error)?.message ?? err)}`, path)
    }
    if (!result.success) throw toValidationError(result.error, path)
    return result.data
  }
}
