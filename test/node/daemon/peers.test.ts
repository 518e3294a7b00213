import { afterEach, describe, expect, it, vi } from 'vitest'
import { PeerTracker } from '../../../node/daemon/peers.js'
import type { Liveness } from '../../../protocol/types.js'

interface Tracked {
  t: PeerTracker
  beats: Map<string, number>
  reads: string[]
  changes: Array<[string, Liveness]>
  clock: { now: number }
  /** Moves the tracker's clock and the fake timers together (in 100 ms steps). */
  advance: (ms: number) => void
  /** `seconds` intervals (1 s here) in which each of `ids` beats at the interval's end. */
  beat: (ids: string[], seconds: number) => void
}

/** A tracker over `n` known peers whose heartbeats the test sets, counting how often it reads them. */
function tracker (n: number, listener?: (id: string, l: Liveness) => void): Tracked {
  const clock = { now: 100_000 }
  const beats = new Map<string, number>()
  const ids = Array.from({ length: n }, (_, i) => `p${i}`)
  for (const id of ids) beats.set(id, clock.now)
  const reads: string[] = []
  const changes: Array<[string, Liveness]> = []
  const t = new PeerTracker({ suspectMultiplier: 3, unreachableMultiplier: 6 }, {
    heartbeatOf: (id) => { reads.push(id); return { at: beats.get(id) ?? null, intervalMs: 1000 } },
    knownIds: () => ids,
    onChange: (id, l) => { if (listener != null) listener(id, l); else changes.push([id, l]) },
    now: () => clock.now
  })
  // In steps, as real time passes: a jump of the clock ahead of the timers is what a stall looks like.
  const advance = (ms: number): void => {
    for (let left = ms; left > 0; left -= 100) {
      const step = Math.min(100, left)
      clock.now += step
      vi.advanceTimersByTime(step)
    }
  }
  const beat = (beating: string[], seconds: number): void => {
    for (let s = 0; s < seconds; s++) {
      advance(1_000)
      for (const id of beating) { beats.set(id, clock.now); t.heard(id) }
    }
  }
  return { t, beats, reads, changes, clock, advance, beat }
}

describe('PeerTracker', () => {
  afterEach(() => { vi.useRealTimers() })

  it('a heartbeat re-evaluates only its sender, not the whole fleet (O(N) per interval, not O(N^2))', () => {
    const { t, reads } = tracker(50)
    t.evaluate()
    reads.length = 0
    t.heard('p7')
    expect(reads).toEqual(['p7'])
  })

  it('the tick still finds silent peers: suspect, then unreachable, then alive on a heartbeat', () => {
    const { t, beats, changes, clock } = tracker(3)
    t.evaluate()
    clock.now += 3_500
    beats.set('p0', clock.now)
    beats.set('p1', clock.now)
    t.evaluate()
    expect(changes).toEqual([['p2', 'suspect']])
    clock.now += 3_000
    beats.set('p0', clock.now)
    beats.set('p1', clock.now)
    t.evaluate()
    expect(changes.at(-1)).toEqual(['p2', 'unreachable'])
    beats.set('p2', clock.now)
    t.heard('p2')
    expect(changes.at(-1)).toEqual(['p2', 'alive'])
  })

  it('a closed connection whose redial was refused turns unreachable when the grace ends, without waiting for a tick', () => {
    vi.useFakeTimers()
    const { t, changes, advance } = tracker(2)
    t.start()
    t.connected('p0')
    t.disconnected('p0')
    expect(changes.at(-1)).toEqual(['p0', 'suspect'])
    advance(5)
    t.refused('p0')
    advance(1_994)
    expect(changes.at(-1)).toEqual(['p0', 'suspect'])
    advance(2)
    expect(changes.at(-1)).toEqual(['p0', 'unreachable'])
    t.stop()
  })

  it('a refusal that comes after the grace turns it unreachable at once', () => {
    vi.useFakeTimers()
    const { t, changes, advance } = tracker(2)
    t.start()
    t.connected('p0')
    t.disconnected('p0')
    advance(2_500)
    expect(changes.at(-1)).toEqual(['p0', 'suspect'])
    t.refused('p0')
    expect(changes.at(-1)).toEqual(['p0', 'unreachable'])
    t.stop()
  })

  it('a closed connection with no refusal (only the link is gone) stays suspect until the heartbeat ages run out', () => {
    vi.useFakeTimers()
    const { t, changes, advance } = tracker(2)
    t.start()
    t.connected('p0')
    t.disconnected('p0')
    advance(5_000)
    expect(changes.filter(([id]) => id === 'p0').at(-1)).toEqual(['p0', 'suspect'])
    // 6 intervals (1 s here) after its last heartbeat at the start.
    advance(1_001)
    expect(changes.filter(([id]) => id === 'p0').at(-1)).toEqual(['p0', 'unreachable'])
    t.stop()
  })

  it('a refusal counts only for the disconnect it followed: none while connected, none carried over a reconnect', () => {
    vi.useFakeTimers()
    const { t, changes, advance } = tracker(2)
    t.start()
    t.connected('p0')
    t.refused('p0')
    t.disconnected('p0')
    advance(2_500)
    expect(changes.filter(([id]) => id === 'p0').at(-1)).toEqual(['p0', 'suspect'])
    t.refused('p0')
    t.connected('p0')
    t.disconnected('p0')
    advance(2_100)
    expect(changes.filter(([id]) => id === 'p0').at(-1)).toEqual(['p0', 'suspect'])
    t.stop()
  })

  it('lostWithin: a link that closed less than the given time ago, and is still closed', () => {
    vi.useFakeTimers()
    const { t, advance } = tracker(2)
    t.start()
    expect(t.lostWithin('p0', 1_000)).toBe(false)
    t.connected('p0')
    expect(t.lostWithin('p0', 1_000)).toBe(false)
    t.disconnected('p0')
    advance(999)
    expect(t.lostWithin('p0', 1_000)).toBe(true)
    advance(1)
    expect(t.lostWithin('p0', 1_000)).toBe(false)
    t.disconnected('p0')
    t.connected('p0')
    expect(t.lostWithin('p0', 1_000)).toBe(false)
    t.stop()
  })

  it('sleeps until a silent peer turns suspect, then unreachable, with no polling in between', () => {
    vi.useFakeTimers()
    const { t, reads, changes, advance, beat } = tracker(3)
    t.start()
    // p0 and p1 beat every 1 s (the interval); p2 is silent from the start.
    reads.length = 0
    beat(['p0', 'p1'], 3)
    // 3 s in: reads are the heartbeats' own; the timer has not woken (p2 is due at 3 s + 1 ms).
    expect(reads.filter((id) => id === 'p2')).toEqual([])
    expect(changes).toEqual([])
    advance(1)
    expect(changes).toEqual([['p2', 'suspect']])
    beat(['p0', 'p1'], 3)
    expect(changes).toEqual([['p2', 'suspect'], ['p2', 'unreachable']])
    // Unreachable for good: no wake-up reads p2 again while the others keep beating.
    reads.length = 0
    beat(['p0', 'p1'], 10)
    expect(reads.filter((id) => id === 'p2').length).toBeLessThanOrEqual(4)
    t.stop()
  })

  it('our own stall (frozen process or host) is not held against peers; silence after it is', () => {
    vi.useFakeTimers()
    const { t, changes, clock, advance, beat } = tracker(3)
    t.start()
    beat(['p0', 'p1', 'p2'], 3)
    // Frozen for 20 s: the wall clock moves, our timers do not run; then the loop wakes and the
    // overdue timer fires before any heartbeat that waited in the sockets is read.
    clock.now += 20_000
    vi.advanceTimersByTime(20_000)
    expect(changes).toEqual([])
    // Beats resume for p0 and p1; p2 stays silent: suspect three intervals after we woke, not at once.
    beat(['p0', 'p1'], 3)
    expect(changes).toEqual([])
    advance(1_000)
    expect(changes).toEqual([['p2', 'suspect']])
    t.stop()
  })

  it('without a stall, a late-looking gap is silence: the same 20 s with our timers running is unreachable', () => {
    vi.useFakeTimers()
    const { t, changes, advance, beat } = tracker(3)
    t.start()
    beat(['p0', 'p1', 'p2'], 3)
    for (let i = 0; i < 20; i++) advance(1_000)
    expect(changes.filter(([, l]) => l === 'unreachable').length).toBe(3)
    t.stop()
  })

  it('stopped: no timer keeps running', () => {
    vi.useFakeTimers()
    const { t } = tracker(2)
    t.start()
    t.stop()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a pass that throws part-way is tried again a second later', () => {
    vi.useFakeTimers()
    let failing = true
    const seen: string[] = []
    const { t, beats, clock, advance } = tracker(2, (id, l) => {
      if (failing) { failing = false; throw new Error('listener failed') }
      seen.push(`${id}:${l}`)
    })
    t.start()
    beats.set('p0', clock.now)
    advance(3_001)
    // p0 and p1 both turn suspect at 3001 ms; the first change threw and stopped the pass.
    expect(seen.length).toBeLessThan(2)
    advance(1_000)
    expect(seen).toContain('p1:suspect')
    t.stop()
  })
})
