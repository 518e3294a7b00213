/**
 * The long fuzz pass: for a time budget, every decoder and validator untrusted input reaches
 * (test/node/fuzz/targets.ts) gets random, structured, mutated and pathological inputs, round
 * robin. It is feature-guided: an input that takes a path not seen before for its target (a new
 * `ok:<kind>` or a new error code and field) joins that target's pool, and later mutants start
 * from the pool, so the run works its way past the JSON parser into the schemas and the code
 * behind them. Whatever escapes is a finding, written to test/node/fuzz/corpus/ for the
 * regression test to replay; an input that takes more than a second, twice, is a finding too.
 */
import fc from 'fast-check'
import { corpusDir, loadCorpus, fromTagged, saveFinding } from '../node/fuzz/corpus.js'
import { FuzzFinding, fuzzTargets, jsonBytes, type FuzzTarget } from '../node/fuzz/targets.js'
import { mutateBytes, mutateValue, mutation, hostileValue } from '../protocol/mutate.js'
import { ACTIONS, EVENT_TYPES } from '../../protocol/types.js'
import { newResult, type ChaosOptions, type ScenarioResult } from './types.js'

export interface FuzzOptions {
  budgetMs: number
  /** @default random; printed, so a run can be repeated */
  seed?: number
  /** Where findings are written. @default test/node/fuzz/corpus */
  corpusDir?: string
  /** Inputs per target before moving to the next. @default 200 */
  batch?: number
}

const POOL_MAX = 400
const SLOW_MS = 1000
const TAGS = ['heartbeat', 'event', 'command', 'digest', 'events', 'commands', 'registers', 'error', 'all', 'nodes', 'role', 'tag', ...EVENT_TYPES, ...ACTIONS]

/** Deep nesting, long strings and huge collections: they stress recursion and the parser rather than the schema. */
function deepText (depth: number, kind: number): string {
  switch (kind % 5) {
    case 0: return '['.repeat(depth) + '1' + ']'.repeat(depth)
    case 1: return '{"a":'.repeat(depth) + '"x"' + '}'.repeat(depth)
    case 2: return JSON.stringify('\u00e9\u0000\uffff'.repeat(depth))
    case 3: return '{' + Array.from({ length: depth }, (_, i) => `"k${i}":${i}`).join(',') + '}'
    default: return '[' + Array.from({ length: depth }, (_, i) => `"${i}"`).join(',') + ']'
  }
}

const HOLE = '\u0000fuzz-hole\u0000'

/** A pool item with one field (or the whole message) swapped for a pathological value. */
function pathologicalBytes (base: Uint8Array, pick: number, depth: number, kind: number): Uint8Array {
  let value: unknown
  try { value = JSON.parse(new TextDecoder().decode(base)) } catch { value = {} }
  const holed = JSON.stringify(mutateValue(value, { op: 'replace', pick, value: HOLE })) ?? JSON.stringify(HOLE)
  return new TextEncoder().encode(holed.replace(JSON.stringify(HOLE), deepText(depth, kind)))
}

/** The same shapes as values, for validators (kept shallower: building them recurses). */
function pathologicalValue (base: unknown, pick: number, depth: number, kind: number): unknown {
  let deep: unknown
  if (kind % 5 === 0) { deep = 1; for (let i = 0; i < depth; i++) deep = [deep] } else if (kind % 5 === 1) { deep = 'x'; for (let i = 0; i < depth; i++) deep = { a: deep } } else deep = JSON.parse(deepText(depth, kind))
  return mutateValue(base, { op: 'replace', pick, value: deep })
}

/** A mutator that cannot follow the input (too deep for its recursion) hands the input back. */
function safe<A extends unknown[], R> (fn: (...a: A) => R, fallback: (...a: A) => R): (...a: A) => R {
  return (...a) => { try { return fn(...a) } catch { return fallback(...a) } }
}

const mutateBytesSafe = safe(mutateBytes, (b) => b)
const mutateValueSafe = safe(mutateValue, (v) => v)

interface TargetState {
  target: FuzzTarget
  pool: unknown[]
  features: Set<string>
  runs: number
  findings: number
}

function inputsFor (st: TargetState, seed: number, n: number): unknown[] {
  const pick = fc.nat()
  const fromPool = fc.tuple(pick, fc.array(mutation, { minLength: 1, maxLength: 6 }))
  if (st.target.input === 'bytes') {
    const arb = fc.oneof(
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom(...TAGS), rest: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 })) }).map(({ kind, rest }) => jsonBytes({ ...rest, v: 1, kind })) },
      { weight: 6, arbitrary: fromPool.map(([i, ms]) => ms.reduce(mutateBytesSafe, st.pool[i % st.pool.length] as Uint8Array)) },
      { weight: 1, arbitrary: fc.tuple(pick, pick, fc.nat(), fc.nat()).map(([a, b, x, y]) => {
        const p = st.pool[a % st.pool.length] as Uint8Array
        const q = st.pool[b % st.pool.length] as Uint8Array
        return Uint8Array.from([...p.subarray(0, x % (p.length + 1)), ...q.subarray(y % (q.length + 1))])
      }) },
      { weight: 1, arbitrary: fc.tuple(pick, pick, fc.integer({ min: 1, max: 20_000 }), fc.nat()).map(safe(([i, p, d, k]: number[]) => pathologicalBytes(st.pool[i % st.pool.length] as Uint8Array, p, d, k), () => new Uint8Array())) }
    )
    return fc.sample(arb, { numRuns: n, seed })
  }
  const arb = fc.oneof(
    { weight: 2, arbitrary: fc.anything({ maxDepth: 4, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true }) },
    { weight: 1, arbitrary: hostileValue },
    { weight: 6, arbitrary: fromPool.map(([i, ms]) => ms.reduce(mutateValueSafe, st.pool[i % st.pool.length])) },
    { weight: 1, arbitrary: fc.tuple(pick, pick, fc.integer({ min: 1, max: 1500 }), fc.nat()).map(safe(([i, p, d, k]: number[]) => pathologicalValue(st.pool[i % st.pool.length], p, d, k), () => undefined)) }
  )
  return fc.sample(arb, { numRuns: n, seed })
}

function clip (s: string): string {
  return s.replace(/\d+/g, 'N').slice(0, 160)
}

export async function fuzzPass (opts: ChaosOptions, o: FuzzOptions): Promise<ScenarioResult> {
  const res = newResult('fuzz')
  const t0 = Date.now()
  const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31)
  const dir = o.corpusDir ?? corpusDir()
  const batch = o.batch ?? 200
  const states: TargetState[] = fuzzTargets().map((target) => ({ target, pool: target.seeds(), features: new Set(), runs: 0, findings: 0 }))
  // Earlier findings seed the pools too: their neighbourhood is where the next bug tends to be.
  for (const entry of loadCorpus(dir)) states.find((st) => st.target.name === entry.target)?.pool.push(fromTagged(entry.input))
  const seen = new Set<string>()
  const found: string[] = []
  res.load = `${states.length} targets, ${Math.round(o.budgetMs / 1000)} s budget, seed ${seed}`
  opts.log(`fuzz: ${states.length} targets for ${Math.round(o.budgetMs / 1000)} s, seed ${seed}`)

  const record = (st: TargetState, input: unknown, message: string): void => {
    const key = `${st.target.name}|${clip(message)}`
    if (seen.has(key)) return
    seen.add(key)
    st.findings++
    const file = saveFinding(dir, st.target.name, input, message)
    found.push(`${message.slice(0, 300)} (saved ${file.slice(file.lastIndexOf('/') + 1)})`)
    opts.log(`fuzz: FINDING ${message.slice(0, 200)}`)
  }

  let round = 0
  let lastLog = Date.now()
  for (; Date.now() - t0 < o.budgetMs; round++) {
    for (const st of states) {
      if (Date.now() - t0 >= o.budgetMs) break
      for (const input of inputsFor(st, seed + round * 7919 + st.target.name.length, batch)) {
        st.runs++
        const started = performance.now()
        let label: string
        try {
          label = st.target.run(input)
        } catch (err) {
          record(st, input, err instanceof FuzzFinding ? err.message : `${st.target.name}: harness threw ${String(err)}`)
          continue
        }
        if (performance.now() - started > SLOW_MS) {
          // A loaded box stalls now and then: slow twice in a row is the input, not the box.
          const again = performance.now()
          try { st.target.run(input) } catch {}
          if (performance.now() - again > SLOW_MS) record(st, input, `${st.target.name}: one input took ${Math.round(performance.now() - again)} ms`)
        }
        if (!st.features.has(label)) {
          st.features.add(label)
          if (st.pool.length < POOL_MAX) st.pool.push(input)
          else st.pool[Math.floor(Math.random() * POOL_MAX)] = input
        }
      }
      // Let timers run (the runner's progress log, signals).
      await new Promise((resolve) => setImmediate(resolve))
    }
    if (Date.now() - lastLog > 30_000) {
      lastLog = Date.now()
      opts.log(`fuzz: ${states.reduce((a, st) => a + st.runs, 0)} inputs, ${states.reduce((a, st) => a + st.features.size, 0)} features, ${found.length} findings`)
    }
  }

  const runs = states.reduce((a, st) => a + st.runs, 0)
  res.hostile = runs
  res.faults = `${runs} inputs, ${round} rounds`
  res.failures.push(...found.map((f) => `finding: ${f}`))
  const byFeatures = [...states].sort((a, b) => b.features.size - a.features.size)
  res.notes.push(`features (distinct paths) per target: ${byFeatures.map((st) => `${st.target.name} ${st.features.size}`).join(', ')}`)
  res.notes.push(`inputs per target: ${Math.round(runs / states.length)} on average; ${found.length} findings written to ${dir}`)
  res.notes.push(`reproduce with: npm run chaos -- --only fuzz --fuzz-seed ${seed}`)
  res.elapsedMs = Date.now() - t0
  return res
}
