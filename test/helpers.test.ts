import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { parseHandlerLog, serfPropagation, startSerfFleet } from './bench/serf.js'
import { flag, listFlag, numberFlag } from './helpers/bench.js'
import { clockTicks, cpuTicks, rssKiB } from './helpers/proc-stats.js'
import { freePorts } from './helpers/ports.js'
import { isRunning, mapLimit, run } from './helpers/procs.js'
import { percentile, ratio, summarize, table } from './helpers/report.js'
import { WaitAbort, waitFor, WaitTimeoutError } from './helpers/wait.js'

const haveSerf = ((): boolean => {
  try {
    execFileSync('serf', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

describe('the test harness', () => {
  it('waitFor returns the first truthy value and gives up with the awaited thing named', async () => {
    let calls = 0
    await expect(waitFor(() => ++calls >= 3 && calls, { intervalMs: 10 })).resolves.toBe(3)
    await expect(waitFor(() => false, { timeoutMs: 100, intervalMs: 10, what: 'nothing' }))
      .rejects.toSatisfy((err: Error) => err instanceof WaitTimeoutError && err.message.includes('nothing'))
  })

  it('waitFor stops at once when the predicate throws WaitAbort', async () => {
    const started = Date.now()
    await expect(waitFor(() => { throw new WaitAbort(new Error('daemon exited')) }, { timeoutMs: 10_000 }))
      .rejects.toThrow('daemon exited')
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('percentiles use the nearest rank and summaries ignore input order', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i)
    expect(percentile([...values].sort((a, b) => a - b), 99)).toBe(99)
    expect(summarize(values)).toMatchObject({ n: 100, p50: 50, p99: 99, max: 100 })
    expect(summarize([]).p50).toBeNaN()
    expect(ratio(1, 4)).toBe('0.25x')
    expect(ratio(null, 4)).toBe('-')
  })

  it('tables align every column under its header', () => {
    const lines = table(['N', 'metric', 'value'], [['10', 'rss', '1.5'], ['50', 'propagation', '20']]).split('\n')
    expect(lines).toHaveLength(4)
    expect(lines[2].indexOf('1.5') + 3).toBe(lines[3].indexOf('20') + 2)
  })

  it('bench flags parse both spellings and reject bad numbers', () => {
    expect(flag(['--sizes', '10,30'], 'sizes')).toBe('10,30')
    expect(listFlag(['--sizes=10,30'], 'sizes', [1])).toEqual([10, 30])
    expect(numberFlag([], 'events', 20)).toBe(20)
    expect(() => numberFlag(['--events', 'x'], 'events', 20)).toThrow('--events')
  })

  it('freePorts hands out distinct ports', async () => {
    const ports = await freePorts(20)
    expect(new Set(ports).size).toBe(20)
  })

  it('run reports exit codes, output and a timeout as 124', async () => {
    const ok = await run(process.execPath, ['-e', 'console.log(JSON.stringify({a: 1}))'])
    expect(ok).toMatchObject({ code: 0, json: { a: 1 } })
    const slow = await run(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { timeoutMs: 200 })
    expect(slow.code).toBe(124)
    expect(await mapLimit([1, 2, 3], 2, async (x) => x * 2)).toEqual([2, 4, 6])
  })

  it('reads its own RSS and CPU time from /proc', () => {
    expect(isRunning(process.pid)).toBe(true)
    expect(rssKiB(process.pid)).toBeGreaterThan(1000)
    expect(cpuTicks(process.pid)).toBeGreaterThan(0)
  })

  it("counts a reaped child's CPU time as the parent's (a daemon's ss and systemctl probes)", () => {
    const before = cpuTicks(process.pid)!
    // The parent blocks in waitpid meanwhile: nearly all the delta is the child's busy loop.
    execFileSync(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 600);'])
    expect(cpuTicks(process.pid)! - before).toBeGreaterThanOrEqual(0.4 * clockTicks())
  })

  it('parses Serf handler lines with sub-millisecond times and member lists', () => {
    const [e] = parseHandlerLog('s1 1700000000123456789 member-failed s3 s4 \n\ngarbage\n')
    expect(e).toMatchObject({ node: 's1', event: 'member-failed', members: ['s3', 's4'] })
    expect(e.at).toBeCloseTo(1700000000123.456789, 3)
  })

  it.skipIf(!haveSerf)('a local Serf cluster delivers a user event to every agent', async () => {
    const fleet = await startSerfFleet(3)
    try {
      const { samples, lost } = await serfPropagation(fleet, 2)
      expect(lost).toBe(0)
      expect(samples).toHaveLength(2)
      for (const s of samples) expect(s).toBeGreaterThanOrEqual(0)
    } finally {
      await fleet.stop()
    }
    for (const a of fleet.agents) expect(isRunning(a.pid)).toBe(false)
  })
})
