import { describe, expect, it } from 'vitest'
import { IngestMarks } from '../../../node/daemon/ingest-marks.js'

describe('IngestMarks', () => {
  it('a heartbeat naming events still on their way to the store is not ahead', () => {
    const m = new IngestMarks()
    expect(m.ahead('a', 5, 4)).toBe(true)
    m.begin('a', 5)
    expect(m.ahead('a', 5, 4)).toBe(false)
    expect(m.ahead('a', 6, 4)).toBe(true)
    expect(m.ahead('b', 5, 4)).toBe(true)
  })

  it('forgets an ingest once it settles, so a lost one is pulled at the next heartbeat', () => {
    const m = new IngestMarks()
    m.begin('a', 5)
    m.end('a', 5)
    // The ingest failed or left a gap: the store still holds 4.
    expect(m.ahead('a', 5, 4)).toBe(true)
  })

  it('keeps the highest of overlapping ingests until that one settles', () => {
    const m = new IngestMarks()
    m.begin('a', 5)
    m.begin('a', 7)
    m.begin('a', 6)
    m.end('a', 5)
    expect(m.ahead('a', 7, 4)).toBe(false)
    m.end('a', 7)
    expect(m.ahead('a', 7, 4)).toBe(true)
    m.end('a', 6)
    expect(m.ahead('a', 7, 7)).toBe(false)
  })
})
