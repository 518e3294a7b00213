import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { EarliestTimer } from '../../../node/daemon/earliest-timer.js'

/** A timer that counts how often it fired. */
function counting (): { t: EarliestTimer, fired: () => number } {
  let n = 0
  return { t: new EarliestTimer(() => { n++ }), fired: () => n }
}

describe('EarliestTimer', () => {
  beforeEach(() => { vi.useFakeTimers() })
  afterEach(() => { vi.useRealTimers() })

  it('fires once, at the earliest deadline asked for; later requests do not postpone it', async () => {
    const { t, fired } = counting()
    t.within(100)
    await vi.advanceTimersByTimeAsync(50)
    t.within(100)
    t.within(10)
    await vi.advanceTimersByTimeAsync(9)
    expect(fired()).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(fired()).toBe(1)
    await vi.advanceTimersByTimeAsync(200)
    expect(fired()).toBe(1)
  })

  it('can be armed again after firing, and cancelled', async () => {
    const { t, fired } = counting()
    t.within(5)
    await vi.advanceTimersByTimeAsync(5)
    t.within(5)
    await vi.advanceTimersByTimeAsync(5)
    expect(fired()).toBe(2)
    t.within(5)
    t.cancel()
    await vi.advanceTimersByTimeAsync(50)
    expect(fired()).toBe(2)
  })
})
