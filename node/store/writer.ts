/**
 * Group commit. Every write is a job; the jobs queued while one transaction commits all go into
 * the next one, so N concurrent appends cost one fsync, not N (DESIGN: durable before the call
 * returns; issue 2: >= 20,000 durable events/s). A job's promise resolves only after its
 * transaction is on disk.
 */
import type { RootDatabase } from 'lmdb'
import { MAX_JOBS_PER_COMMIT } from './constants.js'

export interface JobSpec<R> {
  /** Before the transaction, in submission order (allocate a seq, sign). May be async. */
  prepare?: () => void | Promise<void>
  /** Inside the write transaction. Must not throw on bad input: return a verdict instead. */
  apply: () => R
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
  /** After the transaction is durable. */
  commit: () => void
  /** After a failure: rebuild anything the batch may have touched, then every job rejects. */
  rollback: (err: unknown) => void
  /** Resolves once the committed transaction is on disk (a no-op when commits sync). */
  durable: () => Promise<void>
}

export class GroupCommit {
  private readonly root: RootDatabase
  private readonly hooks: CommitHooks
  private queue: Array<Job<any>> = []
  private running: Promise<void> | null = null

  constructor (root: RootDatabase, hooks: CommitHooks) {
    this.root = root
    this.hooks = hooks
  }

  async submit<R> (spec: JobSpec<R>): Promise<R> {
    return await new Promise<R>((resolve, reject) => {
      this.queue.push({ ...spec, resolve, reject })
      this.running ??= this.loop().finally(() => { this.running = null })
    })
  }

  /** Resolves once everything submitted so far is committed (or failed). */
  async drain (): Promise<void> {
    while (this.running != null) await this.running
  }

  private async loop (): Promise<void> {
    // Yield once so that every job submitted in this tick joins the first transaction.
    await Promise.resolve()
    while (this.queue.length > 0) {
      const jobs = this.queue.splice(0, MAX_JOBS_PER_COMMIT)
      const results: unknown[] = []
      try {
        const prepared = jobs.map(j => j.prepare?.())
        if (prepared.some(p => p != null)) await Promise.all(prepared)
        await this.root.transaction(() => {
          this.hooks.begin()
          for (const j of jobs) results.push(j.apply())
          this.hooks.finish()
        })
        await this.hooks.durable()
        this.hooks.commit()
      } catch (err) {
        try { this.hooks.rollback(err) } catch {}
        for (const j of jobs) j.reject(err)
        continue
      }
      for (let i = 0; i < jobs.length; i++) jobs[i].resolve(results[i])
    }
  }
}
