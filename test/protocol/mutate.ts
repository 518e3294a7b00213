/**
 * Mutators for fuzzing: byte-level damage (bit flips, truncation, spliced garbage) and structural
 * damage to the parsed JSON (inserted fields, deleted fields, values of another type, a
 * discriminator swapped to another message's). Structural mutants get past the JSON parser, so
 * they reach the schemas and signature checks rather than dying at the first byte.
 */
import fc from 'fast-check'
import { ACTIONS, EVENT_TYPES } from '../../protocol/types.js'
import type { Path } from './helpers.js'

const DISCRIMINATORS = new Set(['kind', 'type', 'action', 'v'])
const TAGS = [
  'heartbeat', 'event', 'command', 'digest', 'events', 'commands', 'registers', 'error', 'beat', 'beats',
  'all', 'nodes', 'role', 'tag', 'tcp', 'http', ...EVENT_TYPES, ...ACTIONS
]

export type Mutation =
  | { op: 'flip', at: number, bit: number }
  | { op: 'truncate', at: number }
  | { op: 'splice', at: number, bytes: Uint8Array }
  | { op: 'insert', pick: number, key: string, value: unknown }
  | { op: 'replace', pick: number, value: unknown }
  | { op: 'delete', pick: number }
  | { op: 'retag', pick: number, tag: unknown }

/** Values a peer could put anywhere: any JSON, plus near-misses of the formats we check. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('', '__proto__', 'ed25519:', '001700000000000-000000', 'a'.repeat(41), -1, 1e308, 2 ** 53, 0.5, null, [], {}),
  fc.string({ maxLength: 300 })
)

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('splice' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
  fc.record({ op: fc.constant('insert' as const), pick: fc.nat(), key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'sig', 'v', 'kind', 'constructor')), value: hostileValue }),
  fc.record({ op: fc.constant('replace' as const), pick: fc.nat(), value: hostileValue }),
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('retag' as const), pick: fc.nat(), tag: fc.oneof(fc.constantFrom(...TAGS), hostileValue) })
)

/** Every path in a JSON value, the root included. */
function paths (value: unknown, path: Path = []): Path[] {
  const out: Path[] = [path]
  if (Array.isArray(value)) value.forEach((x, i) => out.push(...paths(x, [...path, i])))
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...path, k]))
  }
  return out
}

function get (root: any, path: Path): any {
  let at = root
  for (const p of path) at = at?.[p]
  return at
}

/** Applies a structural mutation to a deep copy of `value`; byte mutations leave it as is. */
export function mutateValue (value: unknown, m: Mutation): unknown {
  if (m.op === 'flip' || m.op === 'truncate' || m.op === 'splice') return value
  const root = { root: structuredClone(value) }
  const all = paths(root.root, ['root']).map((p) => p)
  if (m.op === 'insert') {
    const objects = all.filter((p) => { const v = get(root, p); return v !== null && typeof v === 'object' })
    if (objects.length === 0) return root.root
    const target = get(root, objects[m.pick % objects.length])
    if (Array.isArray(target)) target.push(m.value)
    else Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true })
    return root.root
  }
  const candidates = m.op === 'retag'
    ? all.filter((p) => DISCRIMINATORS.has(String(p.at(-1))))
    : all
  if (candidates.length === 0) return root.root
  const path = candidates[m.pick % candidates.length]
  const parent = get(root, path.slice(0, -1))
  const key = path.at(-1)!
  if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1)
    else delete parent[key]
  } else {
    parent[key] = m.op === 'retag' ? m.tag : m.value
  }
  return root.root
}

/** Applies a byte mutation; structural ones go through JSON and mutateValue. */
export function mutateBytes (bytes: Uint8Array, m: Mutation): Uint8Array {
  switch (m.op) {
    case 'flip': {
      if (bytes.length === 0) return bytes
      const out = bytes.slice()
      out[m.at % out.length] ^= 1 << m.bit
      return out
    }
    case 'truncate':
      return bytes.slice(0, m.at % (bytes.length + 1))
    case 'splice': {
      const at = m.at % (bytes.length + 1)
      return Uint8Array.from([...bytes.subarray(0, at), ...m.bytes, ...bytes.subarray(at)])
    }
    default: {
      let value: unknown
      try {
        value = JSON.parse(new TextDecoder().decode(bytes))
      } catch {
        return bytes
      }
      const json = JSON.stringify(mutateValue(value, m))
      return new TextEncoder().encode(json ?? '')
    }
  }
}
