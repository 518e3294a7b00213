/**
 * Group commit. Every write is a job; the jobs queued while one transaction commits all go into
 * the next one, so N concurrent appends cost one fsync, not N (DESIGN: durable before the call
 * returns; issue 2: >= 20,000 durable events/s). A job's promise resolves only after its
 * transaction is on disk. With overlapping sync the next transaction is built and committed while
 * the previous one syncs (CPU and fsync overlap); at most MAX_UNSYNCED commits wait at once.
 * Small batches may instead commit and sync in one synchronous call (SyncSmall).
 */
import type { RootDatabase } from 'lmdb'
import { MAX_JOBS_PER_COMMIT } from './constants.js'

export interface JobSpec<R> {
  /** Before the transaction, in submission order (allocate a seq, sign). May be async. */
  prepare?: () => void | Promise<void>
  /** Inside the write transaction. Must not throw on bad input: return a verdict instead. */
  apply: () => R
  /**
   * No hurry: the job waits for the next transaction another job starts and rides along, or
   * starts one itself after this many ms. A write nobody waits for then costs no commit (fsync,
   * wakeups) of its own on a busy node, and none in the middle of work somebody does wait for.
   */
  lazyMs?: number
}

interface Job<R> extends JobSpec<R> {
  resolve: (r: R) => void
  reject: (err: unknown) => void
}

export interface CommitHooks {
  /** Inside the transaction, before the first job. */
  begin: () => void
  /** Inside the transaction, after the last job: persist derived state. */
  finish: () => void
  /** After the transaction committed (visible, maybe not yet on disk). */
  seal: () => void
  /** After the transaction is durable. */
  commit: () => void
  /** After a failure: rebuild anything the batch may have touched, then every job rejects. */
  rollback: (err: unknown) => void
  /** Resolves once the committed transaction is on disk (a no-op when commits sync). */
  durable: () => Promise<void>
  /** The error every job of a failed batch rejects with. @default the error as thrown */
  describe?: (err: unknown) => Promise<unknown>
}

const MAX_UNSYNCED = 4

/**
 * Small batches may commit synchronously instead: begun, applied, committed and fsynced on the
 * calling thread in one go. An overlapped commit goes from the event loop to lmdb-js's write
 * thread and back, then waits for the sync: several wakeups for one event, each a wait for a core
 * on a host where many daemons share two, and why a gossiped event reached the store 30 ms
 * (median) after it arrived at 30 daemons on one host. A synchronous commit blocks
 * the event loop for the fsync (0.3-0.7 ms on a VM disk), so it is kept for batches of at most
 * `maxJobs` while nothing overlapped is syncing, and a commit slower than `slowMs` (a slow or busy
 * disk) sends the writer back to overlapped commits for the next `backoff` batches.
 */
export interface SyncSmall {
  maxJobs: number
  slowMs: number
  backoff: number
}

export class GroupCommit {
  private readonly root: RootDatabase
  private readonly hooks: CommitHooks
  private queue: Array<Job<any>> = []
  /** Jobs not yet queued: lazy ones (JobSpec.lazyMs) waiting for a transaction to ride in. */
  private unqueued: Array<Job<any>> = []
  private lazyTimer: NodeJS.Timeout | undefined
  private running: Promise<void> = Promise.resolve()
  /** Set and cleared synchronously with the queue check, so no submitted job is ever stranded. */
  private active = false
  /** Wakes a loop that is waiting for a sync when a new job arrives. */
  private wake: (() => void) | null = null
  private committed = 0
  private readonly syncSmall: SyncSmall | null
  /** Overlapped commits only until `committed` reaches this (after a slow synchronous one). */
  private overlapUntil = 0

  constructor (root: RootDatabase, hooks: CommitHooks, syncSmall: SyncSmall | null = null) {
    this.root = root
    this.hooks = hooks
    this.syncSmall = syncSmall
  }

  /** Transactions committed since open (each one an fsync): the write load, for metrics. */
  get commits (): number { return this.committed }

  async submit<R> (spec: JobSpec<R>): Promise<R> {
    return await new Promise<R>((resolve, reject) => {
      this.unqueued.push({ ...spec, resolve, reject })
      if (spec.lazyMs === undefined) this.start()
      else this.lazyTimer ??= setTimeout(() => { this.start() }, spec.lazyMs)
    })
  }

  /** Resolves once everything submitted so far is committed (or failed), lazy jobs included. */
  async drain (): Promise<void> {
    if (this.unqueued.length > 0) this.start()
    while (this.active) await this.running
  }

  /** Queues the jobs not yet queued, in submission order, and runs the loop if it is not running. */
  private start (): void {
    this.queue.push(...this.unqueued)
    this.unqueued = []
    clearTimeout(this.lazyTimer)
    this.lazyTimer = undefined
    this.wake?.()
    if (!this.active) {
      this.active = true
      this.running = this.loop()
    }
  }

  private async loop (): Promise<void> {
    // Yield once so that every job submitted in this tick joins the first transaction.
    await Promise.resolve()
    const syncing: Array<Promise<void>> = []
    for (;;) {
      await this.commitQueued(syncing)
      // Checked synchronously with clearing `active`: a job queued during the await above is seen.
      if (this.queue.length > 0) continue
      if (syncing.length === 0) break
      await Promise.all(syncing)
    }
    this.active = false
  }

  private async commitQueued (syncing: Array<Promise<void>>): Promise<void> {
    while (this.queue.length > 0) {
      const jobs = this.queue.splice(0, MAX_JOBS_PER_COMMIT)
      const results: unknown[] = []
      let inline: SyncSmall | null = null
      try {
        const prepared = jobs.map(j => j.prepare?.())
        if (prepared.some(p => p != null)) await Promise.all(prepared)
        const body = (): void => {
          this.hooks.begin()
          for (const j of jobs) results.push(j.apply())
          this.hooks.finish()
        }
        inline = this.inlineFor(jobs.length, syncing.length)
        if (inline != null) {
          const t0 = performance.now()
          this.root.transactionSync(body)
          if (performance.now() - t0 > inline.slowMs) this.overlapUntil = this.committed + 1 + inline.backoff
        } else {
          await this.root.transaction(body)
        }
        this.hooks.seal()
        this.committed++
      } catch (err) {
        this.fail(jobs, await (this.hooks.describe?.(err) ?? err))
        continue
      }
      // Syncs complete in commit order, so chaining on the previous one keeps publication ordered.
      const flushed = inline != null ? Promise.resolve() : this.hooks.durable()
      const previous = syncing.at(-1) ?? Promise.resolve()
      const synced = previous.then(async () => { await flushed }).then(() => {
        this.hooks.commit()
        for (let i = 0; i < jobs.length; i++) jobs[i].resolve(results[i])
      }, async (err) => { this.fail(jobs, await (this.hooks.describe?.(err) ?? err)) })
      syncing.push(synced)
      void synced.then(() => { syncing.splice(syncing.indexOf(synced), 1) })
      if (syncing.length >= MAX_UNSYNCED) await syncing[0]
      // Nothing queued: wait for a new job (commit it while the sync runs) or the oldest sync.
      if (this.queue.length === 0 && syncing.length > 0) {
        await Promise.race([syncing[0], new Promise<void>((resolve) => { this.wake = resolve })])
        this.wake = null
      }
    }
  }

  /** The synchronous-commit settings when this batch may use them (SyncSmall), else null. */
  private inlineFor (jobs: number, unsynced: number): SyncSmall | null {
    const s = this.syncSmall
    return s != null && jobs <= s.maxJobs && unsynced === 0 && this.committed >= this.overlapUntil ? s : null
  }

  private fail (jobs: Array<Job<any>>, err: unknown): void {
    try { this.hooks.rollback(err) } catch {}
    for (const j of jobs) j.reject(err)
  }
}
