/**
 * Field readers for role validation. Each names the offending key in the user's own spelling
 * (`source_paths[1]`), so an operator editing YAML knows which line to fix.
 */
import { RoleDefinitionError } from './errors.js'

/** `source_paths`, `source-paths` and `sourcePaths` are the same key. */
export function camelKey (key: string): string {
  return key.replace(/[-_]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase())
}

export function isPlainObject (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v != null && !Array.isArray(v)
}

/**
 * Re-keys an object to camelCase through `aliases`, rejecting unknown keys and a key given twice
 * in two spellings. Returns the values and, per canonical key, the spelling used (for messages).
 */
export function normalizeKeys (
  obj: Record<string, unknown>,
  known: ReadonlySet<string>,
  aliases: Readonly<Record<string, string>>,
  where: string
): { values: Record<string, unknown>, spelled: Record<string, string> } {
  const values: Record<string, unknown> = {}
  const spelled: Record<string, string> = {}
  for (const [raw, v] of Object.entries(obj)) {
    const camel = camelKey(raw)
    const key = aliases[camel] ?? camel
    const path = join(where, raw)
    if (!known.has(key)) {
      throw new RoleDefinitionError(`unknown key; allowed: ${[...known].join(', ')}`, path)
    }
    if (key in values) {
      throw new RoleDefinitionError(`given twice (also as ${spelled[key]})`, path)
    }
    values[key] = v
    spelled[key] = path
  }
  return { values, spelled }
}

export function join (where: string, key: string | number): string {
  if (typeof key === 'number') return `${where}[${key}]`
  return where === '' ? key : `${where}.${key}`
}

export function readString (v: unknown, path: string, opts: { nonEmpty?: boolean, pattern?: RegExp, hint?: string } = {}): string {
  if (typeof v !== 'string') throw new RoleDefinitionError(`must be a string, got ${typeOf(v)}`, path)
  if (opts.nonEmpty === true && v.trim() === '') throw new RoleDefinitionError('must not be empty', path)
  if (opts.pattern != null && !opts.pattern.test(v)) {
    throw new RoleDefinitionError(`invalid value ${JSON.stringify(v)}${opts.hint != null ? `; ${opts.hint}` : ''}`, path)
  }
  return v
}

export function readOptionalString (v: unknown, path: string): string | undefined {
  if (v == null) return undefined
  return readString(v, path)
}

export function readBoolean (v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw new RoleDefinitionError(`must be true or false, got ${typeOf(v)}`, path)
  return v
}

export function readInt (v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new RoleDefinitionError(`must be an integer ${min}..${max}, got ${JSON.stringify(v)}`, path)
  }
  return v
}

export function readPort (v: unknown, path: string): number {
  return readInt(v, path, 1, 65_535)
}

export function readEnum<T extends string> (v: unknown, path: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new RoleDefinitionError(`must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`, path)
  }
  return v as T
}

/** A list; a single scalar is accepted as a one-item list (YAML `services: nginx`). */
export function readList<T> (v: unknown, path: string, item: (x: unknown, path: string) => T): T[] {
  const list = Array.isArray(v) ? v : [v]
  const out = list.map((x, i) => item(x, Array.isArray(v) ? join(path, i) : path))
  return out
}

export function unique<T> (list: T[], path: string): T[] {
  const seen = new Set<T>()
  list.forEach((x, i) => {
    if (seen.has(x)) throw new RoleDefinitionError(`duplicate ${JSON.stringify(x)}`, join(path, i))
    seen.add(x)
  })
  return list
}

function typeOf (v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'a list'
  return typeof v
}
