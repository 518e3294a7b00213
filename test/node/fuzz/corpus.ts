/**
 * The fuzz corpus on disk: one JSON file per finding under test/node/fuzz/corpus/, naming its
 * target and holding the exact input, so the regression test replays it forever. Inputs that are
 * not plain JSON (bytes, undefined, bigint, NaN, Map, null-prototype objects…) are written in a
 * small tagged form and read back to the same value.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../../helpers/index.js'

export interface CorpusEntry {
  target: string
  /** The input in tagged JSON (see `toTagged`). */
  input: unknown
  /** What escaped when it was found. */
  error: string
  foundAt: string
  file?: string
}

export function corpusDir (): string {
  return join(repoRoot(), 'test', 'node', 'fuzz', 'corpus')
}

const TAG = '$fuzz'

/** A JSON-safe form of any value the fuzzers produce; `fromTagged` inverts it. */
export function toTagged (v: unknown, depth = 0): unknown {
  if (depth > 2000) return { [TAG]: 'truncated' }
  if (v === undefined) return { [TAG]: 'undefined' }
  if (typeof v === 'bigint') return { [TAG]: 'bigint', v: v.toString() }
  if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return { [TAG]: 'number', v: Object.is(v, -0) ? '-0' : String(v) }
  if (typeof v === 'symbol' || typeof v === 'function') return { [TAG]: 'undefined' }
  if (v === null || typeof v !== 'object') return v
  if (v instanceof Uint8Array) return { [TAG]: 'bytes', v: Buffer.from(v).toString('base64') }
  if (ArrayBuffer.isView(v)) return { [TAG]: 'typed', type: v.constructor.name, v: Array.from(v as unknown as ArrayLike<number | bigint>, (x) => toTagged(x, depth + 1)) }
  if (v instanceof Date) return { [TAG]: 'date', v: Number.isNaN(v.getTime()) ? null : v.toISOString() }
  if (v instanceof Map) return { [TAG]: 'map', v: [...v].map(([k, x]) => [toTagged(k, depth + 1), toTagged(x, depth + 1)]) }
  if (v instanceof Set) return { [TAG]: 'set', v: [...v].map((x) => toTagged(x, depth + 1)) }
  if (v instanceof String || v instanceof Number || v instanceof Boolean) return { [TAG]: 'boxed', v: toTagged(v.valueOf(), depth + 1) }
  if (Array.isArray(v)) {
    const holes = v.length > 0 && Object.keys(v).length !== v.length
    const items = Array.from({ length: v.length }, (_, i) => Object.hasOwn(v, i) ? toTagged(v[i], depth + 1) : { [TAG]: 'hole' })
    return holes ? { [TAG]: 'sparse', v: items } : items
  }
  const entries = Object.keys(v).map((k) => [k, toTagged((v as Record<string, unknown>)[k], depth + 1)])
  return { [TAG]: Object.getPrototypeOf(v) === null ? 'nullproto' : 'object', v: entries }
}

export function fromTagged (t: unknown): unknown {
  if (t === null || typeof t !== 'object') return t
  if (Array.isArray(t)) return t.map(fromTagged)
  const o = t as Record<string, any>
  switch (o[TAG]) {
    case 'undefined': case 'hole': case 'truncated': return undefined
    case 'bigint': return BigInt(o.v)
    case 'number': return Number(o.v)
    case 'bytes': return new Uint8Array(Buffer.from(o.v, 'base64'))
    case 'typed': {
      const Ctor = (globalThis as any)[o.type] ?? Uint8Array
      return new Ctor(o.v.map(fromTagged))
    }
    case 'date': return new Date(o.v ?? NaN)
    case 'map': return new Map(o.v.map(([k, x]: [unknown, unknown]) => [fromTagged(k), fromTagged(x)]))
    case 'set': return new Set(o.v.map(fromTagged))
    case 'boxed': return Object(fromTagged(o.v))
    case 'sparse': {
      const out: unknown[] = new Array(o.v.length)
      o.v.forEach((x: any, i: number) => { if (!(x?.[TAG] === 'hole')) out[i] = fromTagged(x) })
      return out
    }
    case 'nullproto': case 'object': {
      const out = o[TAG] === 'nullproto' ? Object.create(null) : {}
      // defineProperty: a `__proto__` key stays an own key, as the fuzzer made it.
      for (const [k, x] of o.v) Object.defineProperty(out, k, { value: fromTagged(x), enumerable: true, writable: true, configurable: true })
      return out
    }
    default: throw new Error(`corpus entry has an unknown tag: ${JSON.stringify(o).slice(0, 80)}`)
  }
}

/** Writes a finding; the file name is the target plus a hash of the input, so one input is kept once. */
export function saveFinding (dir: string, target: string, input: unknown, error: string): string {
  mkdirSync(dir, { recursive: true })
  const tagged = toTagged(input)
  const body = JSON.stringify(tagged)
  const file = join(dir, `${target.replace(/[^\w.-]/g, '_')}-${createHash('sha256').update(body).digest('hex').slice(0, 12)}.json`)
  if (!existsSync(file)) {
    const entry: CorpusEntry = { target, input: tagged, error, foundAt: new Date().toISOString() }
    writeFileSync(file, JSON.stringify(entry, null, 1) + '\n')
  }
  return file
}

export function loadCorpus (dir = corpusDir()): CorpusEntry[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => ({ ...JSON.parse(readFileSync(join(dir, f), 'utf8')), file: f }))
}
