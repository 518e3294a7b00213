import { describe, expect, it } from 'vitest'
import { BEAT_HOLD_SHARE, BEAT_QUIET_MS, MEMBERS_PER_SLOT, beatHold, nextBeatAt, slotOf, slotsFor } from '../../../node/daemon/beat-schedule.js'

const I = 5_000

describe('beat schedule', () => {
  it('has one slot per MEMBERS_PER_SLOT members, at least one', () => {
    expect(slotsFor(0)).toBe(1)
    expect(slotsFor(1)).toBe(1)
    expect(slotsFor(MEMBERS_PER_SLOT)).toBe(1)
    expect(slotsFor(MEMBERS_PER_SLOT + 1)).toBe(2)
    expect(slotsFor(50)).toBe(Math.ceil(50 / MEMBERS_PER_SLOT))
  })

  it('spreads member ids over the slots, the same slot every time', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `12D3KooW${i.toString(36).padStart(8, 'x')}peer`)
    const counts = new Array(5).fill(0)
    for (const id of ids) {
      const s = slotOf(id, 5)
      expect(s).toBe(slotOf(id, 5))
      counts[s]++
    }
    // 100 expected per slot; a poor spread would leave one slot's burst much larger.
    for (const c of counts) expect(c).toBeGreaterThan(60)
    expect(slotOf('anything', 1)).toBe(0)
  })

  it('beats on the fleet-wide grid at the slot\'s offset, strictly after now', () => {
    const base = 1_700_000_000_000 // a multiple of I
    expect(nextBeatAt(base, undefined, I, 0, 1)).toBe(base + I)
    expect(nextBeatAt(base + 1, undefined, I, 0, 1)).toBe(base + I)
    expect(nextBeatAt(base + 1, undefined, I, 2, 5)).toBe(base + 2_000)
    expect(nextBeatAt(base + 2_000, undefined, I, 2, 5)).toBe(base + 2_000 + I)
    expect(nextBeatAt(base + 2_001, undefined, I, 2, 5)).toBe(base + 2_000 + I)
    // Two members in the same slot, asking at different moments, land on the same instant.
    expect(nextBeatAt(base + 123, undefined, I, 3, 5)).toBe(nextBeatAt(base + 2_999, undefined, I, 3, 5))
  })

  it('never beats again within half an interval, and never leaves more than 1.5 intervals', () => {
    const base = 1_700_000_000_000
    for (let now = base; now < base + 3 * I; now += 37) {
      for (const [slot, slots] of [[0, 1], [1, 3], [4, 5]]) {
        const last = now - 10
        const at = nextBeatAt(now, last, I, slot, slots)
        expect(at).toBeGreaterThan(now)
        expect(at - last).toBeGreaterThanOrEqual(I / 2)
        expect(at - last).toBeLessThanOrEqual(1.5 * I)
      }
    }
  })

  it('holds a due beat while events spread, never past a quarter interval after it was due', () => {
    const due = 1_700_000_000_000
    // No events lately: beat when due.
    expect(beatHold(due, due, 0, I)).toBe(0)
    expect(beatHold(due, due, due, I)).toBe(0)
    // Events arrived just before: wait until the quiet ends.
    expect(beatHold(due, due, due + BEAT_QUIET_MS, I)).toBe(BEAT_QUIET_MS)
    expect(beatHold(due + 100, due, due + BEAT_QUIET_MS, I)).toBe(BEAT_QUIET_MS - 100)
    // A stream of events keeps extending the quiet: the hold stops at the cap all the same.
    const cap = due + I * BEAT_HOLD_SHARE
    for (let now = due; now < cap + 2 * BEAT_QUIET_MS; now += 50) {
      const hold = beatHold(now, due, now + BEAT_QUIET_MS, I)
      expect(now + hold).toBeLessThanOrEqual(Math.max(now, cap))
      if (now >= cap) expect(hold).toBe(0)
    }
    // The gap between beats stays inside the suspect window (3 intervals by default).
    expect(1.5 * I + I * BEAT_HOLD_SHARE).toBeLessThan(3 * I)
  })
})
