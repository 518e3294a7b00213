/**
 * The group-commit writer acknowledges a write only once its transaction is durable, shares one
 * transaction between everything queued together, and publishes batches in commit order.
 */
import { open } from 'lmdb'
import { afterAll, describe, expect, it } from 'vitest'
import { GroupCommit } from '../../../node/store/writer.js'
import { cleanup, tempDir } from './helpers.js'

afterAll(cleanup)

function deferred (): { promise: Promise<void>, resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => { resolve = r })
  return { promise, resolve }
}

describe('group commit', () => {
  it('resolves a write only after its sync, shares transactions, and publishes in order', async () => {
    const root = open({ path: tempDir(), overlappingSync: true })
    const syncs: Array<ReturnType<typeof deferred>> = []
    const log: string[] = []
    let txns = 0
    const w = new GroupCommit(root, {
      begin: () => { txns++ },
      finish: () => {},
      seal: () => { log.push(`seal${txns}`) },
      commit: () => { log.push('publish') },
      rollback: () => { log.push('rollback') },
      durable: async () => { const d = deferred(); syncs.push(d); await d.promise }
    })
    let done = 0
    const first = Array.from({ length: 10 }, async (_, i) => { await w.submit({ apply: () => { root.put(`k${i}`, i) } }); done++ })
    await expect.poll(() => syncs.length).toBe(1)
    expect(txns).toBe(1) // ten writes, one transaction
    expect(root.get('k9')).toBe(9) // committed and visible...
    expect(done).toBe(0) // ...but not acknowledged before the sync
    const second = w.submit({ apply: () => 'x' })
    await expect.poll(() => syncs.length).toBe(2) // built and committed while the first syncs
    syncs[1].resolve()
    await new Promise(resolve => setTimeout(resolve, 20))
    expect(done).toBe(0) // a later sync never publishes before an earlier one
    syncs[0].resolve()
    await Promise.all(first)
    expect(await second).toBe('x')
    expect(log).toEqual(['seal1', 'seal2', 'publish', 'publish'])
    await w.drain()
    await root.close()
  })

  it('regression: a write submitted while the writer winds down is not stranded in the queue', async () => {
    const root = open({ path: tempDir(), overlappingSync: true })
    const w = new GroupCommit(root, { begin: () => {}, finish: () => {}, seal: () => {}, commit: () => {}, rollback: () => {}, durable: async () => { await root.flushed } })
    // Each write is submitted right after the previous one resolved, the moment the loop may exit.
    for (let i = 0; i < 50; i++) expect(await w.submit({ apply: () => { root.put('k', i); return i } })).toBe(i)
    await w.drain()
    await root.close()
  })

  describe('lazy jobs', () => {
    const counting = (root: ReturnType<typeof open>): { w: GroupCommit, txns: () => number } => {
      let txns = 0
      const w = new GroupCommit(root, { begin: () => { txns++ }, finish: () => {}, seal: () => {}, commit: () => {}, rollback: () => {}, durable: async () => { await root.flushed } })
      return { w, txns: () => txns }
    }

    it('ride in the transaction the next ordinary write starts, in submission order', async () => {
      const root = open({ path: tempDir(), overlappingSync: true })
      const { w, txns } = counting(root)
      const order: string[] = []
      let lazyDone = false
      const lazy = w.submit({ apply: () => { order.push('lazy'); root.put('lazy', 1) }, lazyMs: 60_000 }).then(() => { lazyDone = true })
      await new Promise(resolve => setTimeout(resolve, 30))
      expect(txns()).toBe(0) // no transaction of its own...
      expect(lazyDone).toBe(false)
      await w.submit({ apply: () => { order.push('eager'); root.put('eager', 1) } })
      await lazy // ...it went with the next one
      expect(txns()).toBe(1)
      expect(order).toEqual(['lazy', 'eager'])
      expect(root.get('lazy')).toBe(1)
      await w.drain()
      await root.close()
    })

    it('commit on their own after lazyMs when nothing else is written, and drain does not wait for that', async () => {
      const root = open({ path: tempDir(), overlappingSync: true })
      const { w, txns } = counting(root)
      let done = false
      const alone = w.submit({ apply: () => { root.put('a', 1) }, lazyMs: 200 }).then(() => { done = true })
      await new Promise(resolve => setTimeout(resolve, 20))
      expect(done).toBe(false) // not before its time
      await alone
      expect(txns()).toBe(1)
      const pending = w.submit({ apply: () => { root.put('b', 2) }, lazyMs: 60_000 })
      await w.drain() // shutdown: written now, not in a minute
      await pending
      expect(root.get('b')).toBe(2)
      expect(txns()).toBe(2)
      await root.close()
    })
  })

  it('a failing transaction rejects its jobs and rolls back; the next batch goes on', async () => {
    const root = open({ path: tempDir() })
    let rollbacks = 0
    const w = new GroupCommit(root, { begin: () => {}, finish: () => {}, seal: () => {}, commit: () => {}, rollback: () => { rollbacks++ }, durable: async () => {} })
    const bad = w.submit({ apply: () => { throw new Error('boom') } })
    const sameBatch = w.submit({ apply: () => 1 })
    await expect(bad).rejects.toThrow('boom')
    await expect(sameBatch).rejects.toThrow('boom')
    expect(rollbacks).toBe(1)
    expect(await w.submit({ apply: () => 2 })).toBe(2)
    await root.close()
  })

  describe('small batches committed synchronously', () => {
    const hooksFor = (root: ReturnType<typeof open>, log: string[]) => ({
      begin: () => {},
      finish: () => {},
      seal: () => { log.push('seal') },
      commit: () => { log.push('publish') },
      rollback: () => { log.push('rollback') },
      durable: async () => { log.push('overlapped'); await root.flushed }
    })

    it('commits a small batch on the event loop, durable when it returns; a large one overlaps', async () => {
      const root = open({ path: tempDir(), overlappingSync: true })
      const log: string[] = []
      const w = new GroupCommit(root, hooksFor(root, log), { maxJobs: 4, slowMs: 10_000, backoff: 5 })
      expect(await w.submit({ apply: () => { root.put('a', 1); return 'a' } })).toBe('a')
      expect(log).toEqual(['seal', 'publish']) // no overlapped sync was waited for
      expect(root.get('a')).toBe(1)
      log.length = 0
      await Promise.all(Array.from({ length: 5 }, async (_, i) => await w.submit({ apply: () => { root.put(`b${i}`, i) } })))
      expect(log).toEqual(['seal', 'overlapped', 'publish']) // five writes: over maxJobs
      await w.drain()
      await root.close()
    })

    it('keeps publication in commit order when a small batch follows an overlapped one', async () => {
      const root = open({ path: tempDir(), overlappingSync: true })
      const order: string[] = []
      const w = new GroupCommit(root, hooksFor(root, []), { maxJobs: 2, slowMs: 10_000, backoff: 5 })
      const big = Array.from({ length: 3 }, async (_, i) => { await w.submit({ apply: () => { root.put(`k${i}`, i) } }); order.push(`big${i}`) })
      await Promise.resolve()
      await Promise.resolve()
      // Queued while the big batch syncs: it must not be acknowledged before the big one.
      const small = w.submit({ apply: () => { root.put('s', 1) } }).then(() => { order.push('small') })
      await Promise.all([...big, small])
      expect(order.indexOf('small')).toBeGreaterThan(Math.max(order.indexOf('big0'), order.indexOf('big1'), order.indexOf('big2')))
      await w.drain()
      await root.close()
    })

    it('goes back to overlapped commits for a while after a slow synchronous one', async () => {
      const root = open({ path: tempDir(), overlappingSync: true })
      const log: string[] = []
      // slowMs -1: every synchronous commit counts as slow.
      const w = new GroupCommit(root, hooksFor(root, log), { maxJobs: 4, slowMs: -1, backoff: 2 })
      const modes: string[] = []
      for (let i = 0; i < 5; i++) {
        log.length = 0
        await w.submit({ apply: () => { root.put('k', i) } })
        modes.push(log.includes('overlapped') ? 'overlapped' : 'sync')
      }
      expect(modes).toEqual(['sync', 'overlapped', 'overlapped', 'sync', 'overlapped'])
      await w.drain()
      await root.close()
    })

    it('a failing synchronous transaction rejects its jobs, rolls back, and the writer goes on', async () => {
      const root = open({ path: tempDir(), overlappingSync: true })
      const log: string[] = []
      const w = new GroupCommit(root, hooksFor(root, log), { maxJobs: 4, slowMs: 10_000, backoff: 5 })
      await expect(w.submit({ apply: () => { root.put('x', 1); throw new Error('boom') } })).rejects.toThrow('boom')
      expect(log).toEqual(['rollback'])
      expect(root.get('x')).toBeUndefined() // nothing of the failed batch was kept
      expect(await w.submit({ apply: () => { root.put('y', 2); return 2 } })).toBe(2)
      expect(root.get('y')).toBe(2)
      await root.close()
    })
  })
})

