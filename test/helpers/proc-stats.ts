/**
 * Resident memory and CPU time of a process, read from /proc so slm daemons and Serf agents are
 * measured the same way. Linux only; elsewhere the readers return null.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { sleep } from './wait.js'

let clkTck: number | undefined

/** Clock ticks per second (`getconf CLK_TCK`), the unit of utime and stime in /proc/PID/stat. */
export function clockTicks (): number {
  if (clkTck !== undefined) return clkTck
  try {
    clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    clkTck = 100
  }
  return clkTck
}

/** VmRSS of `pid` in KiB, or null if the process is gone. */
export function rssKiB (pid: number): number | null {
  return memoryKiB(pid)?.rss ?? null
}

/**
 * VmRSS and RssAnon of `pid` in KiB from one read of its status, or null if the process is gone.
 * RssAnon is the memory only this process holds; VmRSS also counts file pages (the node binary,
 * the LMDB map) that every daemon on a host shares through the page cache.
 */
export function memoryKiB (pid: number): { rss: number, anon: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)
    const anon = /^RssAnon:\s+(\d+)\s+kB/m.exec(status)
    return rss === null || anon === null ? null : { rss: Number(rss[1]), anon: Number(anon[1]) }
  } catch {
    return null
  }
}

/**
 * CPU time of `pid` and of its children it has reaped (utime + stime + cutime + cstime), in clock
 * ticks, or null if the process is gone. The children count: a daemon's health probes (ss,
 * systemctl) are work it makes the host do.
 */
export function cpuTicks (pid: number): number | null {
  const t = cpuTicksSplit(pid)
  return t === null ? null : t.self + t.children
}

/** The same, apart: the process's own (utime + stime) and its reaped children's (cutime + cstime). */
export function cpuTicksSplit (pid: number): { self: number, children: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // fields[0] is field 3 (state), so utime (14), stime (15), cutime (16), cstime (17) are at 11-14.
    return { self: Number(fields[11]) + Number(fields[12]), children: Number(fields[13]) + Number(fields[14]) }
  } catch {
    return null
  }
}

export interface IdleSample {
  pid: number
  rssKiB: number
  anonKiB: number
  /** Mean CPU over the window, in percent of one core. */
  cpuPercent: number
}

/**
 * Samples every pid over the same `windowMs` window: CPU from the tick delta, RSS at the end.
 * Processes that vanish during the window are left out.
 */
export async function sampleIdle (pids: number[], windowMs: number): Promise<IdleSample[]> {
  const before = new Map(pids.map((pid) => [pid, cpuTicks(pid)]))
  const t0 = process.hrtime.bigint()
  await sleep(windowMs)
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  const out: IdleSample[] = []
  for (const pid of pids) {
    const a = before.get(pid)
    const b = cpuTicks(pid)
    const mem = memoryKiB(pid)
    if (a == null || b === null || mem === null) continue
    out.push({ pid, rssKiB: mem.rss, anonKiB: mem.anon, cpuPercent: ((b - a) / clockTicks()) / seconds * 100 })
  }
  return out
}
