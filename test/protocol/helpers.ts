/**
 * Shared helpers for protocol tests: catching a thrown error for assertions on its `code`, and
 * walking every nested object of a sample so "unknown field at any level" is checked everywhere.
 */
import { expect } from 'vitest'
import { SlmError } from '../../protocol/errors.js'

export function thrown (fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected a throw, got none')
}

/** Asserts fn throws an instance of `cls` with `code`, and returns it. */
export function expectCode<E extends SlmError> (fn: () => unknown, cls: abstract new (...args: any[]) => E, code: string): E {
  const err = thrown(fn)
  expect(err).toBeInstanceOf(cls)
  expect((err as E).code).toBe(code)
  return err as E
}

export type Path = Array<string | number>

/** Free-form JSON fields: unknown keys are their whole point. */
const FREE_FORM = new Set(['metadata', 'value'])

/** Paths of every plain object inside `value` (the root included), skipping free-form JSON. */
export function objectPaths (value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((x, i) => objectPaths(x, [...path, i]))
  if (value === null || typeof value !== 'object') return []
  const out: Path[] = [path]
  for (const [k, v] of Object.entries(value)) {
    if (!FREE_FORM.has(k)) out.push(...objectPaths(v, [...path, k]))
  }
  return out
}

export function clone<T> (value: T): T {
  return structuredClone(value)
}

/** A deep copy with `key: extra` added to the object at `path`. */
export function withField (value: unknown, path: Path, key: string, extra: unknown): unknown {
  const copy = clone(value) as any
  let at = copy
  for (const p of path) at = at[p]
  at[key] = extra
  return copy
}

export function jsonBytes (value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value))
}
