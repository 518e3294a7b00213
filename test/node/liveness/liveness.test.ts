import { describe, expect, it } from 'vitest'
import { blindWithin, countLiveness, livenessOf, nextChangeAt } from '../../../node/liveness/index.js'

const init = { intervalMs: 1000 }

describe('livenessOf', () => {
  const cases: Array<[string, Parameters<typeof livenessOf>[0], number, string]> = [
    ['fresh heartbeat and connected is alive', { lastHeartbeat: 10_000, connected: true, disconnectedAt: null }, 10_500, 'alive'],
    ['three missed intervals is suspect', { lastHeartbeat: 10_000, connected: true, disconnectedAt: null }, 13_500, 'suspect'],
    ['six missed intervals is unreachable', { lastHeartbeat: 10_000, connected: true, disconnectedAt: null }, 16_500, 'unreachable'],
    ['a disconnect with no later heartbeat is suspect at once', { lastHeartbeat: 10_000, connected: false, disconnectedAt: 10_100 }, 10_200, 'suspect'],
    ['a disconnect and a refused redial: unreachable after the grace', { lastHeartbeat: 10_000, connected: false, disconnectedAt: 10_100, refusedAt: 10_110 }, 12_200, 'unreachable'],
    ['a disconnect with no refusal: still suspect after the grace (only the link may be gone)', { lastHeartbeat: 10_000, connected: false, disconnectedAt: 10_100 }, 12_200, 'suspect'],
    ['a refusal from before the disconnect says nothing about this one', { lastHeartbeat: 10_000, connected: false, disconnectedAt: 10_100, refusedAt: 9_000 }, 12_200, 'suspect'],
    ['a disconnect with no refusal: unreachable once six intervals passed without a heartbeat', { lastHeartbeat: 10_000, connected: false, disconnectedAt: 10_100 }, 16_500, 'unreachable'],
    ['a heartbeat after the disconnect (via the mesh) keeps it alive', { lastHeartbeat: 10_500, connected: false, disconnectedAt: 10_100 }, 11_000, 'alive'],
    ['never heard and not connected is unreachable', { lastHeartbeat: null, connected: false, disconnectedAt: null }, 1, 'unreachable'],
    ['never heard but connected is alive', { lastHeartbeat: null, connected: true, disconnectedAt: null }, 1, 'alive'],
    ['time we were stalled does not count: 20 s silent, 18 s of it our own stall, is alive', { lastHeartbeat: 10_000, connected: true, disconnectedAt: null, blindMs: 18_000 }, 30_000, 'alive'],
    ['...and the time after it does: suspect once three intervals passed while we listened', { lastHeartbeat: 10_000, connected: true, disconnectedAt: null, blindMs: 18_000 }, 31_500, 'suspect'],
    ['a stall does not hide a refused redial after a disconnect', { lastHeartbeat: 10_000, connected: false, disconnectedAt: 10_100, refusedAt: 10_110, blindMs: 5_000 }, 12_200, 'unreachable']
  ]
  for (const [name, obs, now, want] of cases) {
    it(name, () => { expect(livenessOf(obs, init, now)).toBe(want) })
  }

  it('blindWithin: the part of a span that falls in our stalls', () => {
    const stalls = [{ from: 1000, to: 3000 }, { from: 5000, to: 6000 }]
    expect(blindWithin(stalls, 0, 10_000)).toBe(3000)
    expect(blindWithin(stalls, 2000, 5500)).toBe(1500)
    expect(blindWithin(stalls, 3000, 5000)).toBe(0)
    expect(blindWithin(stalls, 7000, 9000)).toBe(0)
    expect(blindWithin([], 0, 10_000)).toBe(0)
  })

  it('counts liveness values', () => {
    expect(countLiveness(['alive', 'alive', 'suspect'])).toEqual({ alive: 2, suspect: 1, unreachable: 0 })
  })
})

describe('nextChangeAt', () => {
  const beat = { lastHeartbeat: 10_000, connected: true, disconnectedAt: null }
  it('alive: the first millisecond past three missed intervals', () => {
    expect(nextChangeAt(beat, init, 10_500)).toBe(13_001)
    expect(livenessOf(beat, init, 13_000)).toBe('alive')
    expect(livenessOf(beat, init, 13_001)).toBe('suspect')
  })
  it('suspect: the first millisecond past six missed intervals', () => {
    expect(nextChangeAt(beat, init, 13_500)).toBe(16_001)
    expect(livenessOf(beat, init, 16_001)).toBe('unreachable')
  })
  it('unreachable or never heard: no change without news', () => {
    expect(nextChangeAt(beat, init, 17_000)).toBeNull()
    expect(nextChangeAt({ lastHeartbeat: null, connected: true, disconnectedAt: null }, init, 1)).toBeNull()
  })
  it('a disconnect after the last beat and a refused redial: unreachable when the grace ends', () => {
    const gone = { lastHeartbeat: 10_000, connected: false, disconnectedAt: 10_100, refusedAt: 10_105 }
    expect(livenessOf(gone, init, 10_200)).toBe('suspect')
    expect(nextChangeAt(gone, init, 10_200)).toBe(12_100)
    expect(livenessOf(gone, init, 12_100)).toBe('unreachable')
  })
  it('a disconnect after the last beat and no refusal: the heartbeat ages, not the grace', () => {
    const lost = { lastHeartbeat: 10_000, connected: false, disconnectedAt: 10_100 }
    expect(nextChangeAt(lost, init, 10_200)).toBe(16_001)
    expect(livenessOf(lost, init, 16_001)).toBe('unreachable')
  })
  it('a heartbeat after the disconnect: the age thresholds, not the grace', () => {
    const relayed = { lastHeartbeat: 10_500, connected: false, disconnectedAt: 10_100 }
    expect(nextChangeAt(relayed, init, 11_000)).toBe(13_501)
  })
  it('agrees with livenessOf at every millisecond of a window (no breakpoint missed)', () => {
    const cases = [beat, { lastHeartbeat: 10_000, connected: false, disconnectedAt: 10_100 }, { lastHeartbeat: 10_000, connected: false, disconnectedAt: 14_000 },
      { lastHeartbeat: 10_000, connected: false, disconnectedAt: 10_100, refusedAt: 10_100 }, { lastHeartbeat: 10_000, connected: false, disconnectedAt: 14_000, refusedAt: 14_500 },
      { ...beat, blindMs: 2_300 }, { lastHeartbeat: 10_000, connected: false, disconnectedAt: 10_100, blindMs: 1_700 }, { lastHeartbeat: 10_000, connected: false, disconnectedAt: 10_100, refusedAt: 10_100, blindMs: 4_000 }]
    const custom = { intervalMs: 700, suspectMultiplier: 2.5, unreachableMultiplier: 4, disconnectGraceMs: 900 }
    for (const i of [init, custom]) {
      for (const obs of cases) {
        for (let now = 10_000; now < 20_000; now += 97) {
          const at = nextChangeAt(obs, i, now)
          const first = Array.from({ length: 20_000 - now }, (_, k) => now + 1 + k).find((t) => livenessOf(obs, i, t) !== livenessOf(obs, i, now))
          expect(at ?? undefined).toBe(first)
        }
      }
    }
  })
})
