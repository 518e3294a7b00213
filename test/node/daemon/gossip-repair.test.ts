import { describe, expect, it } from 'vitest'
import { GOSSIP_REPAIR_BACKOFF_MAX_MS as MAX, GOSSIP_REPAIR_BACKOFF_MS as BACKOFF, GOSSIP_REPAIR_SPACING_MS as SPACING, GossipRepair, repairBackoffMs } from '../../../node/daemon/gossip-repair.js'

const AFTER = 60_000

/** Calls `due` every `step` ms from `from` to `to` with the same gaps; returns when each repair fell. */
function run (r: GossipRepair, from: number, to: number, gaps: string[], step = 1000): Array<[number, string]> {
  const out: Array<[number, string]> = []
  for (let t = from; t <= to; t += step) {
    const id = r.due(t, gaps, AFTER)
    if (id != null) out.push([t, id])
  }
  return out
}

describe('GossipRepair', () => {
  it('repairs a gap once it has lasted the repair delay, not before', () => {
    const r = new GossipRepair()
    expect(r.due(0, ['a'], AFTER)).toBeUndefined()
    expect(r.due(AFTER - 1, ['a'], AFTER)).toBeUndefined()
    expect(r.due(AFTER, ['a'], AFTER)).toBe('a')
  })

  it('a delay of 0 never repairs', () => {
    const r0 = new GossipRepair()
    for (let t = 0; t <= 3600_000; t += 1000) expect(r0.due(t, ['a'], 0)).toBeUndefined()
  })

  it('a gap that closes in time is never repaired, and a new one starts its delay afresh', () => {
    const r = new GossipRepair()
    r.due(0, ['a'], AFTER)
    r.due(AFTER - 1, [], AFTER)
    expect(r.due(AFTER, ['a'], AFTER)).toBeUndefined()
    expect(r.due(2 * AFTER - 1, ['a'], AFTER)).toBeUndefined()
    expect(r.due(2 * AFTER, ['a'], AFTER)).toBe('a')
  })

  it('a gap that stays after repairs is repaired again only after a doubling backoff, up to the cap', () => {
    const r = new GossipRepair()
    const times = run(r, 0, 6 * 3600_000, ['a']).map(([t]) => t)
    expect(times[0]).toBe(AFTER)
    const gaps = times.slice(1).map((t, i) => t - times[i])
    // The gap restarts at the repair, so each later one also needs the delay again (plus the call after the repair).
    expect(gaps[0]).toBe(Math.max(AFTER + 1000, BACKOFF))
    expect(gaps[1]).toBe(Math.max(AFTER + 1000, 2 * BACKOFF))
    expect(Math.max(...gaps)).toBe(MAX)
    expect(gaps.every((g, i) => i === 0 || g >= gaps[i - 1])).toBe(true)
  })

  it('one repair per spacing, the longest gap first, whatever the member', () => {
    const r = new GossipRepair()
    r.due(0, ['b'], AFTER)
    r.due(1000, ['a', 'b', 'c'], AFTER)
    const got = run(r, 2000, AFTER + 1000 + 3 * SPACING, ['a', 'b', 'c'])
    expect(got.map(([, id]) => id)).toEqual(['b', 'a', 'c'])
    expect(got[0][0]).toBe(AFTER)
    expect(got[1][0] - got[0][0]).toBe(SPACING)
    expect(got[2][0] - got[1][0]).toBe(SPACING)
  })

  it('a member repaired long ago with no gap since starts afresh (no backoff)', () => {
    const r = new GossipRepair()
    run(r, 0, AFTER, ['a'])
    r.due(AFTER + 1000, [], AFTER)
    r.due(AFTER + MAX, [], AFTER)
    expect(run(r, AFTER + MAX + 1000, AFTER + MAX + 1000 + AFTER, ['a'])).toEqual([[AFTER + MAX + 1000 + AFTER, 'a']])
  })

  it('backoff: none before the first repair, then doubling, capped', () => {
    expect(repairBackoffMs(0)).toBe(0)
    expect(repairBackoffMs(1)).toBe(BACKOFF)
    expect(repairBackoffMs(2)).toBe(2 * BACKOFF)
    expect(repairBackoffMs(50)).toBe(MAX)
  })
})
