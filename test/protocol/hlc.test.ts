import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  HLC_MAX_COUNTER, HybridClock, compareHlc, formatHlc, hlcFromMs, hlcMs, isHlc, parseHlc
} from '../../protocol/hlc.js'
import { ValidationError } from '../../protocol/errors.js'

/** A wall clock a test moves by hand. */
function manualWall (start: number): { wall: () => number, set: (ms: number) => void } {
  let now = start
  return { wall: () => now, set: (ms) => { now = ms } }
}

describe('hybrid logical clock', () => {
  it('formats as 15-digit ms and 6-digit counter and parses back', () => {
    expect(formatHlc({ ms: 1_700_000_000_123, counter: 7 })).toBe('001700000000123-000007')
    expect(parseHlc('001700000000123-000007')).toEqual({ ms: 1_700_000_000_123, counter: 7 })
    expect(hlcFromMs(5)).toBe('000000000000005-000000')
    expect(hlcMs('001700000000123-000007')).toBe(1_700_000_000_123)
  })

  it.each([
    ['too short', '1700000000123-000007'],
    ['no dash', '001700000000123000007'],
    ['letters', '00170000000012a-000007'],
    ['trailing', '001700000000123-000007x'],
    ['not a string', 42]
  ])('rejects a malformed stamp (%s) with a ValidationError', (_label, bad) => {
    expect(() => parseHlc(bad)).toThrow(ValidationError)
    expect(isHlc(bad)).toBe(false)
  })

  it('refuses to format values outside the fixed width', () => {
    expect(() => formatHlc({ ms: -1, counter: 0 })).toThrow(ValidationError)
    expect(() => formatHlc({ ms: 1e15, counter: 0 })).toThrow(ValidationError)
    expect(() => formatHlc({ ms: 1, counter: HLC_MAX_COUNTER + 1 })).toThrow(ValidationError)
    expect(() => formatHlc({ ms: 1.5, counter: 0 })).toThrow(ValidationError)
  })

  it('stays strictly monotonic when the wall clock goes backwards', () => {
    const w = manualWall(10_000)
    const clock = new HybridClock(w.wall)
    const seen: string[] = [clock.now()]
    for (const ms of [10_000, 9_000, 5_000, 10_000, 10_001, 3, 10_001]) {
      w.set(ms)
      seen.push(clock.now())
    }
    for (let i = 1; i < seen.length; i++) expect(compareHlc(seen[i - 1], seen[i])).toBe(-1)
    expect(hlcMs(seen.at(-1)!)).toBe(10_001)
  })

  it('spills a full counter into the ms part instead of overflowing the format', () => {
    const clock = new HybridClock(() => 1000)
    clock.witness(formatHlc({ ms: 1000, counter: HLC_MAX_COUNTER }))
    const next = clock.now()
    expect(parseHlc(next)).toEqual({ ms: 1001, counter: 0 })
  })

  it('orders the next stamp after a witnessed remote stamp from the future', () => {
    const clock = new HybridClock(() => 1_000_000)
    const remote = formatHlc({ ms: 1_030_000, counter: 5 })
    clock.witness(remote)
    const next = clock.now()
    expect(compareHlc(remote, next)).toBe(-1)
    expect(parseHlc(next)).toEqual({ ms: 1_030_000, counter: 6 })
  })

  it('ignores a witnessed stamp older than its own', () => {
    const clock = new HybridClock(() => 50_000)
    const mine = clock.now()
    clock.witness(hlcFromMs(10))
    expect(clock.peek()).toBe(mine)
  })

  it('rejects a remote stamp further ahead than maxDriftMs with ERR_CLOCK_DRIFT and does not move', () => {
    const clock = new HybridClock(() => 1_000_000, { maxDriftMs: 5_000 })
    const before = clock.now()
    const err = (() => { try { clock.witness(hlcFromMs(1_005_001)) } catch (e) { return e } })()
    expect(err).toBeInstanceOf(ValidationError)
    expect((err as ValidationError).code).toBe('ERR_CLOCK_DRIFT')
    expect(clock.peek()).toBe(before)
    expect(() => clock.witness(hlcFromMs(1_005_000))).not.toThrow()
  })

  it('uses 60 s as the default drift tolerance', () => {
    const clock = new HybridClock(() => 0)
    expect(() => clock.witness(hlcFromMs(60_000))).not.toThrow()
    expect(() => clock.witness(hlcFromMs(60_001))).toThrow(expect.objectContaining({ code: 'ERR_CLOCK_DRIFT' }))
  })

  it('orders strings exactly as it orders (ms, counter) pairs', () => {
    const part = fc.record({ ms: fc.integer({ min: 0, max: 10 ** 15 - 1 }), counter: fc.integer({ min: 0, max: HLC_MAX_COUNTER }) })
    fc.assert(fc.property(part, part, (a, b) => {
      const numeric = a.ms !== b.ms ? Math.sign(a.ms - b.ms) : Math.sign(a.counter - b.counter)
      expect(compareHlc(formatHlc(a), formatHlc(b))).toBe(numeric)
      expect(parseHlc(formatHlc(a))).toEqual(a)
    }), { seed: 42, numRuns: 2000 })
  })

  it('never issues a stamp at or below any earlier one, whatever the wall clock and remotes do', () => {
    const step = fc.oneof(
      fc.record({ wall: fc.integer({ min: 0, max: 2_000_000 }) }),
      fc.record({ remote: fc.integer({ min: 0, max: 2_000_000 }), counter: fc.integer({ min: 0, max: HLC_MAX_COUNTER }) })
    )
    fc.assert(fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
      const w = manualWall(1_000_000)
      const clock = new HybridClock(w.wall, { maxDriftMs: 3_000_000 })
      let last = clock.now()
      for (const s of steps) {
        if ('wall' in s) w.set(s.wall)
        else clock.witness(formatHlc({ ms: s.remote, counter: s.counter }))
        const next = clock.now()
        expect(next > last).toBe(true)
        if (!('wall' in s)) expect(next > formatHlc({ ms: s.remote, counter: s.counter })).toBe(true)
        last = next
      }
    }), { seed: 7, numRuns: 500 })
  })
})
