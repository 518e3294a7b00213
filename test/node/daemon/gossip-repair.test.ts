import { describe, expect, it } from 'vitest'
import { GOSSIP_REPAIR_AFTER_MS as AFTER, GOSSIP_REPAIR_BACKOFF_MAX_MS as MAX, GOSSIP_REPAIR_BACKOFF_MS as BACKOFF, GossipRepair, repairBackoffMs } from '../../../node/daemon/gossip-repair.js'

/** Calls `due` every `step` ms from `from` to `to` with the same gaps; returns when each repair fell. */
function run (r: GossipRepair, from: number, to: number, gaps: string[], step = 1000): Array<[number, string]> {
  const out: Array<[number, string]> = []
  for (let t = from; t <= to; t += step) for (const id of r.due(t, gaps)) out.push([t, id])
  return out
}

describe('GossipRepair', () => {
  it('repairs a gap once it has lasted the repair delay, not before', () => {
    const r = new GossipRepair()
    expect(r.due(0, ['a'])).toEqual([])
    expect(r.due(AFTER - 1, ['a'])).toEqual([])
    expect(r.due(AFTER, ['a'])).toEqual(['a'])
  })

  it('a gap that closes in time is never repaired, and a new one starts its delay afresh', () => {
    const r = new GossipRepair()
    r.due(0, ['a'])
    r.due(AFTER - 1, [])
    expect(r.due(AFTER, ['a'])).toEqual([])
    expect(r.due(2 * AFTER - 1, ['a'])).toEqual([])
    expect(r.due(2 * AFTER, ['a'])).toEqual(['a'])
  })

  it('a gap that stays after repairs is repaired again only after a doubling backoff, up to the cap', () => {
    const r = new GossipRepair()
    const times = run(r, 0, 3 * 3600_000, ['a']).map(([t]) => t)
    expect(times[0]).toBe(AFTER)
    const gaps = times.slice(1).map((t, i) => t - times[i])
    // Each gap also needs the repair delay again (it restarts at the repair) before the backoff.
    expect(gaps[0]).toBe(Math.max(AFTER, BACKOFF))
    expect(gaps[1]).toBe(Math.max(AFTER, 2 * BACKOFF))
    expect(Math.max(...gaps)).toBe(MAX)
    expect(gaps.every((g, i) => i === 0 || g >= gaps[i - 1])).toBe(true)
  })

  it('members are tracked apart', () => {
    const r = new GossipRepair()
    r.due(0, ['a'])
    expect(r.due(5000, ['a', 'b'])).toEqual([])
    expect(r.due(AFTER, ['a', 'b'])).toEqual(['a'])
    expect(r.due(AFTER + 5000, ['a', 'b'])).toEqual(['b'])
  })

  it('a member repaired long ago with no gap since starts afresh (no backoff)', () => {
    const r = new GossipRepair()
    run(r, 0, AFTER, ['a'])
    r.due(AFTER + 1000, [])
    r.due(AFTER + MAX, [])
    expect(run(r, AFTER + MAX + 1000, AFTER + MAX + 1000 + AFTER, ['a'])).toEqual([[AFTER + MAX + 1000 + AFTER, 'a']])
  })

  it('backoff: none before the first repair, then doubling, capped', () => {
    expect(repairBackoffMs(0)).toBe(0)
    expect(repairBackoffMs(1)).toBe(BACKOFF)
    expect(repairBackoffMs(2)).toBe(2 * BACKOFF)
    expect(repairBackoffMs(50)).toBe(MAX)
  })
})
