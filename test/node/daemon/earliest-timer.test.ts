import { afterEach, describe, expect, it, vi } from 'vitest'
import { EarliestTimer } from '../../../node/daemon/earliest-timer.js'

describe('EarliestTimer', () => {
  afterEach(() => { vi.useRealTimers() })

  it('fires once, at the earliest deadline asked for; later requests do not postpone it', async () => {
    vi.useFakeTimers()
    let fired = 0
    const t = new EarliestTimer(() => { fired++ })
    t.within(100)
    await vi.advanceTimersByTimeAsync(50)
    t.within(100)
    t.within(10)
    await vi.advanceTimersByTimeAsync(9)
    expect(fired).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(fired).toBe(1)
    await vi.advanceTimersByTimeAsync(200)
    expect(fired).toBe(1)
  })

  it('can be armed again after firing, and cancelled', async () => {
    vi.useFakeTimers()
    let fired = 0
    const t = new EarliestTimer(() => { fired++ })
    t.within(5)
    await vi.advanceTimersByTimeAsync(5)
    t.within(5)
    await vi.advanceTimersByTimeAsync(5)
    expect(fired).toBe(2)
    t.within(5)
    t.cancel()
    await vi.advanceTimersByTimeAsync(50)
    expect(fired).toBe(2)
  })
})
