import { afterEach, describe, expect, it, vi } from 'vitest'
import { BEAT_GATHER_MS, BeatGatherer, MAX_BUNDLE_CHARS, beatTopic, relayOf, relayable } from '../../../node/daemon/beat-relay.js'
import { slotOf } from '../../../node/daemon/beat-schedule.js'
import { FLEET_TOPIC } from '../../../node/net/constants.js'
import { LIMITS } from '../../../protocol/schema.js'
import type { SignedBeat } from '../../../protocol/types.js'

const ids = Array.from({ length: 40 }, (_, i) => `node-${String(i).padStart(2, '0')}`)
const beat = (chars = 100): SignedBeat => ({ hb: 'a'.repeat(chars), sig: 's'.repeat(86) })

describe('relayOf: one relay per slot, the lowest id a member is connected to', () => {
  it('every member of a slot names the same relay in a fully connected fleet, and only its slot-mates', () => {
    const slots = 4
    for (const self of ids) {
      const peers = ids.filter((p) => p !== self)
      const relay = relayOf(self, peers, slots)
      const mates = ids.filter((p) => slotOf(p, slots) === slotOf(self, slots))
      expect(relay).toBe([...mates].sort()[0])
    }
  })

  it('a member not connected to the lowest relays for itself (it publishes directly if no one else takes its beat)', () => {
    const slots = 1
    expect(relayOf('node-05', ['node-07', 'node-09'], slots)).toBe('node-05')
    expect(relayOf('node-05', ['node-07', 'node-02'], slots)).toBe('node-02')
    expect(relayOf('node-05', [], slots)).toBe('node-05')
  })

  it('names a topic per slot and slot count, under the fleet topic', () => {
    expect(beatTopic(5, 2)).toBe(`${FLEET_TOPIC}/beats/5/2`)
    expect(beatTopic(4, 2)).not.toBe(beatTopic(5, 2))
  })

  it('relays a heartbeat only while its base64url fits a bundle entry', () => {
    expect(relayable(LIMITS.beatChars / 4 * 3)).toBe(true)
    expect(relayable(LIMITS.beatChars / 4 * 3 + 1)).toBe(false)
  })
})

describe('BeatGatherer: a relay sends what reached it within the gather window as one bundle', () => {
  afterEach(() => { vi.useRealTimers() })

  it('sends the beats of a burst together, BEAT_GATHER_MS after the first', () => {
    vi.useFakeTimers()
    const sent: SignedBeat[][] = []
    const g = new BeatGatherer((beats) => { sent.push(beats) })
    const [a, b, c] = [beat(10), beat(11), beat(12)]
    g.add(a)
    vi.advanceTimersByTime(BEAT_GATHER_MS - 1)
    g.add(b)
    expect(sent).toEqual([])
    vi.advanceTimersByTime(1)
    expect(sent).toEqual([[a, b]])
    g.add(c)
    vi.advanceTimersByTime(BEAT_GATHER_MS)
    expect(sent).toEqual([[a, b], [c]])
    vi.advanceTimersByTime(10 * BEAT_GATHER_MS)
    expect(sent.length).toBe(2)
  })

  it('sends at once what would pass the bundle limits, and keeps the rest for the next', () => {
    vi.useFakeTimers()
    const sent: SignedBeat[][] = []
    const g = new BeatGatherer((beats) => { sent.push(beats) })
    const big = Math.floor(MAX_BUNDLE_CHARS / 2)
    g.add(beat(big))
    g.add(beat(big))
    g.add(beat(big))
    expect(sent.map((s) => s.length)).toEqual([2])
    vi.advanceTimersByTime(BEAT_GATHER_MS)
    expect(sent.map((s) => s.length)).toEqual([2, 1])
    for (let i = 0; i < LIMITS.bundleBeats + 1; i++) g.add(beat(1))
    expect(sent.map((s) => s.length)).toEqual([2, 1, LIMITS.bundleBeats])
    vi.advanceTimersByTime(BEAT_GATHER_MS)
    expect(sent.map((s) => s.length)).toEqual([2, 1, LIMITS.bundleBeats, 1])
  })

  it('stop drops what is pending and sends nothing later', () => {
    vi.useFakeTimers()
    const sent: SignedBeat[][] = []
    const g = new BeatGatherer((beats) => { sent.push(beats) })
    g.add(beat())
    g.stop()
    vi.advanceTimersByTime(10 * BEAT_GATHER_MS)
    expect(sent).toEqual([])
  })
})
