import { afterEach, describe, expect, it, vi } from 'vitest'
import { MAX_COMMANDS_PER_MESSAGE, MAX_EVENTS_PER_MESSAGE, Outbox } from '../../../node/daemon/outbox.js'
import type { CommandEnvelope, NodeEvent } from '../../../protocol/types.js'

/** Only `seq` and whether it is a transition matter to the outbox. */
const ev = (seq: number, type = 'command_result'): NodeEvent => ({ seq, type } as unknown as NodeEvent)
const seqs = (sent: NodeEvent[][]): number[][] => sent.map(m => m.map(e => e.seq))

function outbox (maxHoldMs?: number, transitionHoldMs?: number): { box: Outbox, sent: NodeEvent[][] } {
  const sent: NodeEvent[][] = []
  return { box: new Outbox({ send: (events) => { sent.push(events) }, maxHoldMs, transitionHoldMs }), sent }
}

describe('Outbox', () => {
  afterEach(() => { vi.useRealTimers() })

  it('sends an event at once outside a batch', () => {
    const { box, sent } = outbox()
    box.publish(ev(1))
    box.publish(ev(2))
    expect(seqs(sent)).toEqual([[1], [2]])
  })

  it('sends what a batch published as one message when it ends, in seq order', async () => {
    const { box, sent } = outbox()
    const result = await box.batch(async () => {
      box.publish(ev(5))
      box.publish(ev(7))
      box.publish(ev(6))
      expect(sent).toEqual([])
      return 'done'
    })
    expect(result).toBe('done')
    expect(seqs(sent)).toEqual([[5, 6, 7]])
  })

  it('holds until the outermost of nested batches ends', async () => {
    const { box, sent } = outbox()
    await box.batch(async () => {
      box.publish(ev(1))
      await box.batch(async () => { box.publish(ev(2)) })
      expect(sent).toEqual([])
      box.publish(ev(3))
    })
    expect(seqs(sent)).toEqual([[1, 2, 3]])
  })

  it('sends what it held when the batch throws, and rethrows', async () => {
    const { box, sent } = outbox()
    await expect(box.batch(async () => { box.publish(ev(1)); throw new Error('boom') })).rejects.toThrow('boom')
    expect(seqs(sent)).toEqual([[1]])
  })

  it('sends nothing for a batch that published nothing', async () => {
    const { box, sent } = outbox()
    await box.batch(async () => {})
    expect(sent).toEqual([])
  })

  it('never holds an event longer than maxHoldMs, even in a long batch', async () => {
    vi.useFakeTimers()
    const { box, sent } = outbox(100)
    let finish!: () => void
    const running = box.batch(async () => { await new Promise<void>((resolve) => { finish = resolve }) })
    box.publish(ev(1))
    box.publish(ev(2))
    await vi.advanceTimersByTimeAsync(99)
    expect(sent).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(seqs(sent)).toEqual([[1, 2]])
    box.publish(ev(3))
    finish()
    await running
    expect(seqs(sent)).toEqual([[1, 2], [3]])
  })

  it('holds a transition transitionHoldMs at most, sending what was held with it', async () => {
    vi.useFakeTimers()
    const { box, sent } = outbox(100, 10)
    let finish!: () => void
    const running = box.batch(async () => { await new Promise<void>((resolve) => { finish = resolve }) })
    box.publish(ev(1))
    await vi.advanceTimersByTimeAsync(50)
    box.publish(ev(2, 'transition'))
    await vi.advanceTimersByTimeAsync(9)
    expect(sent).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(seqs(sent)).toEqual([[1, 2]])
    // What follows is held under the long bound again; a later transition does not extend it.
    box.publish(ev(3))
    await vi.advanceTimersByTimeAsync(95)
    box.publish(ev(4, 'transition'))
    await vi.advanceTimersByTimeAsync(4)
    expect(seqs(sent)).toEqual([[1, 2]])
    await vi.advanceTimersByTimeAsync(1)
    expect(seqs(sent)).toEqual([[1, 2], [3, 4]])
    finish()
    await running
    expect(seqs(sent)).toEqual([[1, 2], [3, 4]])
  })

  it('splits a large batch into messages of at most MAX_EVENTS_PER_MESSAGE', async () => {
    const { box, sent } = outbox()
    const n = MAX_EVENTS_PER_MESSAGE * 2 + 3
    await box.batch(async () => { for (let i = 1; i <= n; i++) box.publish(ev(i)) })
    expect(sent.map(m => m.length)).toEqual([MAX_EVENTS_PER_MESSAGE, MAX_EVENTS_PER_MESSAGE, 3])
    expect(sent.flat().map(e => e.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1))
  })

  it('flush() sends what is held at once (shutdown)', async () => {
    const { box, sent } = outbox()
    let finish!: () => void
    const running = box.batch(async () => { await new Promise<void>((resolve) => { finish = resolve }) })
    box.publish(ev(1))
    box.flush()
    expect(seqs(sent)).toEqual([[1]])
    finish()
    await running
    expect(seqs(sent)).toEqual([[1]])
  })

  it('lets heartbeats announce only seqs already sent, not those a batch holds', async () => {
    const { box, sent } = outbox()
    expect(box.announceable(4)).toBe(4)
    let inside = 0
    await box.batch(async () => {
      box.publish(ev(5))
      box.publish(ev(6))
      inside = box.announceable(6)
    })
    expect(inside).toBe(4)
    expect(seqs(sent)).toEqual([[5, 6]])
    expect(box.announceable(6)).toBe(6)
  })

  describe('carried commands', () => {
    /** Only the id matters to the outbox. */
    const cmd = (id: string): CommandEnvelope => ({ id } as unknown as CommandEnvelope)
    function carrier (maxHoldMs?: number): { box: Outbox, sent: Array<{ seqs: number[], ids: string[] }> } {
      const sent: Array<{ seqs: number[], ids: string[] }> = []
      const box = new Outbox({ send: (events, commands) => { sent.push({ seqs: events.map(e => e.seq), ids: commands.map(c => c.id) }) }, maxHoldMs })
      return { box, sent }
    }

    it('go out with the events of the batch that applies them, in one message', async () => {
      const { box, sent } = carrier()
      box.carry(cmd('c1'))
      expect(sent).toEqual([])
      await box.batch(async () => {
        box.publish(ev(1))
        box.publish(ev(2, 'transition'))
        box.publish(ev(3))
      })
      expect(sent).toEqual([{ seqs: [1, 2, 3], ids: ['c1'] }])
    })

    it('ride with the first of the messages a large batch is split into', async () => {
      const { box, sent } = carrier()
      box.carry(cmd('c1'))
      await box.batch(async () => { for (let i = 1; i <= MAX_EVENTS_PER_MESSAGE + 1; i++) box.publish(ev(i)) })
      expect(sent.map(m => [m.seqs.length, m.ids])).toEqual([[MAX_EVENTS_PER_MESSAGE, ['c1']], [1, []]])
    })

    it('go out alone once maxHoldMs passes with no events to ride with', async () => {
      vi.useFakeTimers()
      const { box, sent } = carrier(100)
      box.carry(cmd('c1'))
      await vi.advanceTimersByTimeAsync(99)
      expect(sent).toEqual([])
      await vi.advanceTimersByTimeAsync(1)
      expect(sent).toEqual([{ seqs: [], ids: ['c1'] }])
      box.publish(ev(1))
      expect(sent).toEqual([{ seqs: [], ids: ['c1'] }, { seqs: [1], ids: [] }])
    })

    it('beyond one message\'s share go out alone, the rest with the events', async () => {
      const { box, sent } = carrier()
      const n = MAX_COMMANDS_PER_MESSAGE + 2
      for (let i = 0; i < n; i++) box.carry(cmd(`c${i}`))
      await box.batch(async () => { box.publish(ev(1)) })
      expect(sent.map(m => [m.seqs, m.ids.length])).toEqual([[[], 2], [[1], MAX_COMMANDS_PER_MESSAGE]])
      expect(sent.flatMap(m => m.ids).sort()).toEqual(Array.from({ length: n }, (_, i) => `c${i}`).sort())
    })

    it('go out on flush() (shutdown) even with nothing else held', () => {
      const { box, sent } = carrier()
      box.carry(cmd('c1'))
      box.flush()
      expect(sent).toEqual([{ seqs: [], ids: ['c1'] }])
    })
  })
})
