/**
 * Malformed bundles against a real cache (bad input standard: a typed rejection, never a crash,
 * never a change to what the cache held). fast-check (fixed seed) mutates a valid snapshot bundle:
 * flipped bytes in the header and in the pack, truncations, junk appended, header lines dropped
 * or repeated. Every import either holds the sha afterwards or fails with ERR_BAD_BUNDLE /
 * ERR_SHA_MISMATCH; the commit the cache held before stays whole, and no quarantine is left.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { createBundle, ensureCacheRepo, exportTree, hasCommit, importBundle } from '../../../node/code/git.js'
import { commit, git, makeRepo, tempDir } from './fixture.js'

const CASES = 120

let repo: string
let kept: string
let target: string
let good: Buffer
let headerEnd: number

beforeAll(async () => {
  repo = makeRepo()
  kept = commit(repo, { 'app/a.txt': 'kept\n' }, 'kept')
  target = commit(repo, { 'app/a.txt': 'target\n', 'app/b.txt': 'b\n', 'lib/c.txt': 'c\n' }, 'target')
  const out = join(tempDir(), 'good.bundle')
  await createBundle(repo, target, out)
  good = readFileSync(out)
  headerEnd = good.indexOf('\n\n') + 2
})

type Mutation =
  | { kind: 'header' | 'pack', at: number, xor: number }
  | { kind: 'truncate', at: number }
  | { kind: 'junk' }
  | { kind: 'oid', at: number, digit: number }
  | { kind: 'drop' | 'repeat', line: number }

/** Positions are fractions of the region they land in, so one arbitrary fits any bundle size. */
const mutations: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('header' as const, 'pack' as const), at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }) }),
  fc.record({ kind: fc.constant('junk' as const) }),
  // Another valid object id on the ref line: the header now names a commit the pack does not hold.
  fc.record({ kind: fc.constant('oid' as const), at: fc.integer({ min: 0, max: 39 }), digit: fc.integer({ min: 1, max: 15 }) }),
  fc.record({ kind: fc.constantFrom('drop' as const, 'repeat' as const), line: fc.nat() })
)

function apply (m: Mutation): Buffer {
  const b = Buffer.from(good)
  const pos = (f: number, lo: number, hi: number): number => lo + Math.floor(f * (hi - lo))
  switch (m.kind) {
    case 'header': { b[pos(m.at, 0, headerEnd)] ^= m.xor; return b }
    case 'pack': { b[pos(m.at, headerEnd, b.length)] ^= m.xor; return b }
    case 'truncate': return b.subarray(0, pos(m.at, 0, b.length))
    case 'junk': return Buffer.concat([b, Buffer.from('garbage after the pack\n')])
    case 'oid': {
      const i = b.indexOf(`${target} refs/slm/`) + m.at
      b[i] = '0123456789abcdef'.charCodeAt(('0123456789abcdef'.indexOf(String.fromCharCode(b[i])) + m.digit) % 16)
      return b
    }
    default: {
      // The header's lines before its closing blank line.
      const lines = b.subarray(0, headerEnd - 1).toString('latin1').split('\n').slice(0, -1)
      const i = m.line % lines.length
      if (m.kind === 'drop') lines.splice(i, 1)
      else lines.splice(i, 0, lines[i])
      return Buffer.concat([Buffer.from(lines.map(l => `${l}\n`).join('') + '\n', 'latin1'), b.subarray(headerEnd)])
    }
  }
}

describe('malformed snapshot bundles', () => {
  it(`${CASES} seeded mutations: each holds the sha or is a typed rejection; what the cache held survives`, async () => {
    const cache = join(tempDir(), 'cache.git')
    await ensureCacheRepo(cache)
    const keptBundle = join(tempDir(), 'kept.bundle')
    await createBundle(repo, kept, keptBundle)
    await importBundle(cache, keptBundle, kept)
    const outcomes = new Map<string, number>()
    const file = join(tempDir(), 'mutant.bundle')
    await fc.assert(fc.asyncProperty(mutations, async (m) => {
      const what = JSON.stringify(m)
      writeFileSync(file, apply(m))
      let outcome: string
      try {
        await importBundle(cache, file, target)
        outcome = 'imported'
        // Accepted means exactly the commit asked for, whole: then drop it again for the next case.
        expect(git(cache, ['show', `${target}:lib/c.txt`]), what).toBe('c')
        git(cache, ['update-ref', '-d', `refs/slm/${target}`])
        git(cache, ['-c', 'gc.auto=0', 'gc', '--prune=now', '--quiet'])
        writeFileSync(join(cache, 'shallow'), `${kept}\n`)
      } catch (err: any) {
        outcome = String(err?.code)
        expect(['ERR_BAD_BUNDLE', 'ERR_SHA_MISMATCH'], `${what}: ${String(err?.message)}`).toContain(outcome)
        expect(await hasCommit(cache, target), what).toBe(false)
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
      expect(readdirSync(join(cache, 'objects')).filter(d => d.startsWith('incoming-')), what).toEqual([])
    }), { numRuns: CASES, seed: 0x51a3, endOnFailure: true })
    // The cache's own commit is untouched by all of it.
    expect(readFileSync(join(cache, 'shallow'), 'utf8')).toBe(`${kept}\n`)
    const dest = join(tempDir(), 'rel')
    await exportTree(cache, kept, ['app'], dest)
    expect(readFileSync(join(dest, 'app', 'a.txt'), 'utf8')).toBe('kept\n')
    git(cache, ['fsck', '--no-dangling'])
    // The generator reached both kinds of rejection, not just one.
    expect(outcomes.get('ERR_BAD_BUNDLE') ?? 0).toBeGreaterThan(0)
    expect(outcomes.get('ERR_SHA_MISMATCH') ?? 0).toBeGreaterThan(0)
  }, 120_000)
})
