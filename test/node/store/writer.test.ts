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
})
