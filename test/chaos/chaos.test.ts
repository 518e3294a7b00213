/**
 * The short version of `npm run chaos` (issue 8) inside `npm test`: the same scenarios on small
 * fleets and short phases, asserting their invariants — nothing acknowledged lost, one replica
 * digest, no daemon crash, hostile input refused and counted, a full disk survived — plus a short
 * fuzz pass. Runs the built CLI (`npm test` builds first). About three minutes on two cores.
 * SLM_CHAOS_LOG=1 prints the scenarios' progress.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { killAllTracked } from '../helpers/index.js'
import { crashStorm } from './crash-storm.js'
import { diskTrouble } from './disk.js'
import { fuzzPass } from './fuzz.js'
import { hostilePeer } from './hostile.js'
import { partition } from './partition.js'
import type { ChaosOptions, ScenarioResult } from './types.js'

const opts: ChaosOptions = {
  quick: true,
  log: (msg) => { if (process.env.SLM_CHAOS_LOG !== undefined) console.error(`[chaos] ${msg}`) }
}

function holds (r: ScenarioResult): void {
  expect(r.failures, `${r.scenario} broke:\n${r.failures.join('\n')}\nnotes:\n${r.notes.join('\n')}`).toEqual([])
  expect(r.lost).toBe(0)
}

describe('chaos, short version', () => {
  afterAll(() => { killAllTracked('SIGKILL') })

  it('crash storm: kill -9 every few seconds under traffic; one digest, nothing acknowledged lost, stores reopen', async () => {
    const r = await crashStorm(opts, { n: 4, durationMs: 20_000, killEveryMs: 4000, commandsPerSec: 4 })
    holds(r)
    expect(r.convergeMs).not.toBeNull()
  }, 240_000)

  it('partition and heal: conflicting writes follow LWW, one code-source holder', async () => {
    const r = await partition(opts, { n: 4, splitMs: 8000 })
    holds(r)
    expect(r.notes.some((n) => n.startsWith('one code-source holder after heal'))).toBe(true)
  }, 240_000)

  it('hostile peer: no crash, nothing stored, rejections counted by reason; no fleet key, no connection', async () => {
    const r = await hostilePeer(opts, { n: 3, durationMs: 10_000, gossipPerSec: 100, syncPerSec: 10, junk: 10_000 })
    holds(r)
    expect(r.hostile).toBeGreaterThan(10_000)
    expect(r.notes.find((n) => n.startsWith('rejections by reason'))).toMatch(/origin_mismatch=\d+/)
  }, 240_000)

  it('disk trouble: a full state dir is survived, reported, refused cleanly and recovered from', async (ctx) => {
    const r = await diskTrouble(opts, { fullMs: 6000 })
    if (r.skipped !== undefined) ctx.skip(r.skipped)
    holds(r)
  }, 240_000)

  it('fuzz: every decoder and validator for a few seconds, nothing escapes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slm-fuzz-'))
    try {
      const r = await fuzzPass(opts, { budgetMs: 8000, corpusDir: dir })
      holds(r)
      expect(r.hostile).toBeGreaterThan(1000)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
