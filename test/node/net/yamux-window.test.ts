/**
 * Yamux window updates at half the receive window (node/net/yamux-window.ts), on the library's own
 * stream class fed real data frames: the library alone answers every frame with an update.
 */
import { describe, expect, it } from 'vitest'
import { StreamState, YamuxStream } from '@chainsafe/libp2p-yamux/stream'
import { halfWindowUpdates } from '../../../node/net/yamux-window.js'

// Yamux frame types and flags (spec): Data 0, WindowUpdate 1; SYN 1, ACK 2.
const DATA = 0
const WINDOW_UPDATE = 1
const ACK = 2
const WINDOW = 256 * 1024

interface Sent { type: number, flag: number, length: number }

// A silent logger of the shape libp2p's streams call (log(), .trace, .error, .newScope).
const log: any = Object.assign(() => {}, { enabled: false, trace: () => {}, error: () => {}, newScope: () => log })

function stream (state: StreamState): { s: YamuxStream, sent: Sent[], feed: (bytes: number) => void } {
  const sent: Sent[] = []
  const s = new YamuxStream({
    id: '1',
    streamId: 1,
    state,
    direction: 'inbound',
    log,
    sendFrame: (h) => { sent.push({ type: h.type, flag: h.flag, length: h.length }); return true },
    getRTT: () => -1
  })
  const feed = (bytes: number): void => {
    (s as any).handleData({ header: { type: DATA, flag: 0, streamID: 1, length: bytes }, data: new Uint8Array(bytes) })
  }
  return { s, sent, feed }
}

describe('yamux half-window updates', () => {
  halfWindowUpdates()

  it('sends no update until half the window is consumed, then one for all of it', () => {
    const { sent, feed } = stream(StreamState.Established)
    for (let i = 0; i < 100; i++) feed(1024) // 100 KiB: under half of 256 KiB
    expect(sent.filter(f => f.type === WINDOW_UPDATE)).toEqual([])
    for (let i = 0; i < 30; i++) feed(1024) // past 128 KiB
    const updates = sent.filter(f => f.type === WINDOW_UPDATE)
    expect(updates).toHaveLength(1)
    expect(updates[0].length).toBe(WINDOW / 2)
  })

  it('a sender at the window end is released: every full window brings updates covering it', () => {
    const { sent, feed } = stream(StreamState.Established)
    for (let i = 0; i < 4 * WINDOW / 4096; i++) feed(4096) // four windows' worth, in order
    const credited = sent.filter(f => f.type === WINDOW_UPDATE).reduce((a, f) => a + f.length, 0)
    // What the sender may still send (window minus unacknowledged bytes) never reaches zero.
    expect(4 * WINDOW - credited).toBeLessThan(WINDOW)
  })

  it('the first frame of an inbound stream still gets its ACK at once', () => {
    const { sent, feed } = stream(StreamState.SYNReceived)
    feed(10)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ type: WINDOW_UPDATE, flag: ACK })
  })

  it('installing twice patches once', () => {
    const before = (YamuxStream.prototype as any).sendWindowUpdate
    halfWindowUpdates()
    expect((YamuxStream.prototype as any).sendWindowUpdate).toBe(before)
  })
})
