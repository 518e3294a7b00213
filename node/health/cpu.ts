/**
 * CPU busy % from `os.cpus()` tick counters, as the difference between two samples.
 * systeminformation's currentLoad() answers the same question but waits ~0.5 s for its own
 * baseline and shells out synchronously (PITFALLS.md); the counters are already in memory.
 */
import { cpus, type CpuInfo } from 'node:os'

export interface CpuTimes {
  busy: number
  total: number
}

export function sumTimes (list: CpuInfo[]): CpuTimes {
  let busy = 0
  let total = 0
  for (const { times } of list) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq
    total += all
    busy += all - times.idle
  }
  return { busy, total }
}

/** Busy share of the interval between two samples, 0..100; 0 when no time passed. */
export function cpuPercent (prev: CpuTimes, next: CpuTimes): number {
  const total = next.total - prev.total
  const busy = next.busy - prev.busy
  if (total <= 0 || busy < 0) return 0
  return Math.min(100, Math.max(0, (busy / total) * 100))
}

export interface CpuSampler {
  /** % busy since the previous call; the first call reports the average since boot. */
  sample: () => number
}

export function createCpuSampler (read: () => CpuInfo[] = cpus): CpuSampler {
  let prev: CpuTimes = { busy: 0, total: 0 }
  return {
    sample () {
      const next = sumTimes(read())
      const pct = cpuPercent(prev, next)
      prev = next
      return pct
    }
  }
}
