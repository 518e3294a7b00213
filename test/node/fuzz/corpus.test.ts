/**
 * Every input the fuzz pass of `npm run chaos` ever found (test/node/fuzz/corpus/), replayed
 * against its target: what once escaped as a crash must now end in the documented error. The
 * targets themselves are checked too: their own seeds run clean, so a broken target cannot hide
 * behind an empty corpus.
 */
import { describe, expect, it } from 'vitest'
import { fromTagged, loadCorpus, toTagged } from './corpus.js'
import { fuzzTargets, targetByName } from './targets.js'

const corpus = loadCorpus()

describe('fuzz corpus', () => {
  it('holds the findings of earlier fuzz runs', () => {
    expect(corpus.length).toBeGreaterThan(0)
  })

  it.each(corpus.map((e) => [e.file, e] as const))('%s no longer escapes', (_file, entry) => {
    const target = targetByName(entry.target)
    expect(target, `unknown fuzz target '${entry.target}'`).toBeDefined()
    expect(() => target!.run(fromTagged(entry.input))).not.toThrow()
  })
})

describe('fuzz targets', () => {
  it.each(fuzzTargets().map((t) => [t.name, t] as const))('%s runs its seeds clean', (_name, target) => {
    for (const seed of target.seeds()) expect(target.run(seed)).toMatch(/^ok/)
  })

  it('store any fuzz input and read it back the same', () => {
    const sparse: unknown[] = [1]
    sparse[3] = 2
    const nullProto = Object.assign(Object.create(null), { a: 1 })
    const odd = { __proto__: null, x: [undefined, -0, NaN, 10n, new Uint8Array([1, 2]), new Map([[1, 'a']]), new Set(['b']), new Date(0), Object('s'), sparse, nullProto] }
    Object.defineProperty(odd, '__proto__', { value: 'own key', enumerable: true })
    expect(fromTagged(JSON.parse(JSON.stringify(toTagged(odd))))).toStrictEqual(odd)
  })
})
