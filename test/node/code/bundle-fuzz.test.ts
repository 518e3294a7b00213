/**
 * Malformed bundles against a real cache (bad input standard: a typed rejection, never a crash,
 * never a change to what the cache held). A seeded generator mutates a valid snapshot bundle:
 * flipped bytes in the header and in the pack, truncations, junk appended, header lines dropped
 * or repeated. Every import either holds the sha afterwards or fails with ERR_BAD_BUNDLE /
 * ERR_SHA_MISMATCH; the commit the cache held before stays whole, and no quarantine is left.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createBundle, ensureCacheRepo, exportTree, hasCommit, importBundle } from '../../../node/code/git.js'
import { commit, git, makeRepo, tempDir } from './fixture.js'

/** mulberry32: small, seeded, good enough to pick mutations reproducibly. */
function rng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

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

function mutate (next: () => number): { what: string, bytes: Buffer } {
  const b = Buffer.from(good)
  const at = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo))
  switch (Math.floor(next() * 6)) {
    case 0: { const i = at(0, headerEnd); b[i] ^= 1 + Math.floor(next() * 255); return { what: `header byte ${i} flipped`, bytes: b } }
    case 1: { const i = at(headerEnd, b.length); b[i] ^= 1 + Math.floor(next() * 255); return { what: `pack byte ${i} flipped`, bytes: b } }
    case 2: { const n = at(0, b.length); return { what: `truncated to ${n}`, bytes: b.subarray(0, n) } }
    case 3: return { what: 'junk appended', bytes: Buffer.concat([b, Buffer.from('garbage after the pack\n')]) }
    case 4: {
      const lines = b.subarray(0, headerEnd).toString('latin1').split('\n')
      lines.splice(at(0, lines.length - 2), 1)
      return { what: 'a header line dropped', bytes: Buffer.concat([Buffer.from(lines.join('\n'), 'latin1'), b.subarray(headerEnd)]) }
    }
    default: {
      const lines = b.subarray(0, headerEnd).toString('latin1').split('\n')
      const i = at(0, lines.length - 2)
      lines.splice(i, 0, lines[i])
      return { what: 'a header line repeated', bytes: Buffer.concat([Buffer.from(lines.join('\n'), 'latin1'), b.subarray(headerEnd)]) }
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
    const next = rng(0x51a3)
    const outcomes = new Map<string, number>()
    const file = join(tempDir(), 'mutant.bundle')
    for (let i = 0; i < CASES; i++) {
      const { what, bytes } = mutate(next)
      writeFileSync(file, bytes)
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
    }
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
