/**
 * The brief heartbeat is the message a member receives most: one from every other member every
 * interval, ten a second at 50 members. zod took ~20 µs to check one even when warm, and an idle
 * daemon calls it too rarely for V8 to optimise zod's generic code fully: it was ~8 % of an idle
 * daemon's main thread at 50 members. This is the same check written out for that one shape.
 *
 * It only ever says yes. Anything else (another message, a full heartbeat, any doubt) goes to the
 * zod schema, which stays the definition and the source of every error message; the bounds and
 * patterns are the schema's own constants. It runs only on what JSON.parse made (decodeGossip),
 * so it never meets a getter, a proxy or a sparse array, and it returns that value itself where
 * zod would return a copy. test/protocol/brief-check.test.ts holds it to that:
 * over mutated heartbeats it never accepts what the schema rejects, and what it accepts is what
 * the schema returns.
 */
import { HLC_PATTERN } from '../hlc.js'
import { NODE_STATES, PROTOCOL_VERSION, type GossipMessage } from '../types.js'
import { LIMITS, NAME_PATTERN, NODE_ID_PATTERN } from './common.js'
import { HEARTBEAT_LIMITS as HB, STABLE_HASH_PATTERN } from './heartbeat.js'

type Obj = Record<string, unknown>

const STATES: ReadonlySet<unknown> = new Set(NODE_STATES)

const MESSAGE_KEYS = ['v', 'kind', 'heartbeat'] as const
const HEARTBEAT_KEYS = [
  'v', 'origin', 'name', 'hlc', 'seq', 'intervalMs', 'addrs', 'tags', 'state', 'versions',
  'codeSourceCandidate', 'health', 'stable'
] as const
const HEARTBEAT_OPTIONAL = ['lease', 'unconnected'] as const
const HEALTH_KEYS = [
  'hostname', 'os', 'cpuPercent', 'memoryPercent', 'diskPercent', 'loadAvg', 'uptimeSeconds', 'checks',
  'collectedAt'
] as const
const LEASE_KEYS = ['holder', 'term', 'expiresAt'] as const
const CHECK_KEYS = ['ok'] as const
const CHECK_OPTIONAL = ['detail'] as const
const NONE = [] as const

/** `value` is a `{ kind: 'heartbeat' }` gossip message carrying a valid brief heartbeat. */
export function isBriefHeartbeatMessage (value: unknown): value is GossipMessage {
  if (!isObject(value) || !hasKeys(value, MESSAGE_KEYS, NONE)) return false
  if (value.v !== PROTOCOL_VERSION || value.kind !== 'heartbeat') return false
  const hb = value.heartbeat
  if (!isObject(hb) || !hasKeys(hb, HEARTBEAT_KEYS, HEARTBEAT_OPTIONAL)) return false
  return hb.v === PROTOCOL_VERSION &&
    matches(hb.origin, NODE_ID_PATTERN) &&
    matches(hb.name, NAME_PATTERN) &&
    matches(hb.hlc, HLC_PATTERN) &&
    isCount(hb.seq) &&
    isCount(hb.intervalMs) && (hb.intervalMs as number) >= 1 && (hb.intervalMs as number) <= HB.maxIntervalMs &&
    isList(hb.addrs, LIMITS.addrs, (a) => isText(a, LIMITS.addr)) &&
    isList(hb.tags, LIMITS.list, (t) => matches(t, NAME_PATTERN)) &&
    STATES.has(hb.state) &&
    isRecord(hb.versions, (v) => isText(v, HB.version)) &&
    typeof hb.codeSourceCandidate === 'boolean' &&
    (!Object.hasOwn(hb, 'lease') || isLease(hb.lease)) &&
    (!Object.hasOwn(hb, 'unconnected') || isCount(hb.unconnected)) &&
    isBriefHealth(hb.health) &&
    matches(hb.stable, STABLE_HASH_PATTERN)
}

function isBriefHealth (h: unknown): boolean {
  return isObject(h) && hasKeys(h, HEALTH_KEYS, NONE) &&
    isText(h.hostname, HB.hostname) &&
    isText(h.os, HB.os) &&
    isPercent(h.cpuPercent) && isPercent(h.memoryPercent) && isPercent(h.diskPercent) &&
    isList(h.loadAvg, 3, isNonNegative) && (h.loadAvg as unknown[]).length === 3 &&
    isNonNegative(h.uptimeSeconds) &&
    isRecord(h.checks, (c) => isObject(c) && hasKeys(c, CHECK_KEYS, CHECK_OPTIONAL) &&
      typeof c.ok === 'boolean' && (!Object.hasOwn(c, 'detail') || isText(c.detail, HB.checkDetail))) &&
    isCount(h.collectedAt)
}

function isLease (l: unknown): boolean {
  return isObject(l) && hasKeys(l, LEASE_KEYS, NONE) &&
    matches(l.holder, NODE_ID_PATTERN) && isCount(l.term) && isCount(l.expiresAt)
}

/** A plain object, as JSON.parse makes them: not an array, not some class instance. */
function isObject (v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype
}

/** Every required key, optional ones only with a value, and nothing else (strict objects). */
function hasKeys (o: Obj, required: readonly string[], optional: readonly string[]): boolean {
  let n = required.length
  for (const k of required) if (!Object.hasOwn(o, k)) return false
  for (const k of optional) {
    if (!Object.hasOwn(o, k)) continue
    if (o[k] === undefined) return false
    n++
  }
  return Object.keys(o).length === n
}

/** record(name, value): at most LIMITS.recordKeys name keys, never an own `__proto__`. */
function isRecord (v: unknown, value: (x: unknown) => boolean): boolean {
  if (!isObject(v)) return false
  const keys = Object.keys(v)
  if (keys.length > LIMITS.recordKeys) return false
  for (const k of keys) {
    if (k === '__proto__' || !NAME_PATTERN.test(k) || !value(v[k])) return false
  }
  return true
}

/** By index, not `every`: that skips the holes of a sparse array, which the schema reads as undefined. */
function isList (v: unknown, max: number, item: (x: unknown) => boolean): boolean {
  if (!Array.isArray(v) || v.length > max) return false
  for (let i = 0; i < v.length; i++) if (!item(v[i])) return false
  return true
}

function isText (v: unknown, max: number): boolean {
  return typeof v === 'string' && v.length <= max
}

/** The patterns bound their own length, within the schema's `max` for the same field. */
function matches (v: unknown, re: RegExp): boolean {
  return typeof v === 'string' && re.test(v)
}

function isCount (v: unknown): boolean {
  return Number.isSafeInteger(v) && (v as number) >= 0
}

function isNonNegative (v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0
}

function isPercent (v: unknown): boolean {
  return isNonNegative(v) && (v as number) <= 100
}
