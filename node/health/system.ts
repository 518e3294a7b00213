/**
 * The cheap host facts: memory, load, uptime and hostname straight from `node:os` (in-memory or
 * one syscall each), disk fill from statfs, and the OS name read once from /etc/os-release.
 * systeminformation's osInfo() runs `hostname -f` synchronously, which hangs on bad DNS
 * (PITFALLS.md), so the name is assembled here instead.
 */
import { readFile, statfs } from 'node:fs/promises'
import { arch, freemem, release, totalmem, type } from 'node:os'

/** Used share of RAM, 0..100. libuv's free memory is MemAvailable, so page cache counts as free. */
export function memoryPercent (total = totalmem(), free = freemem()): number {
  if (total <= 0) return 0
  return clamp(((total - free) / total) * 100)
}

export interface StatfsLike {
  blocks: number | bigint
  bfree: number | bigint
  bavail: number | bigint
}

/**
 * Used share of a filesystem as `df` computes it: used / (used + available to users), so the
 * blocks reserved for root count as full — that is when unprivileged services start failing.
 */
export function diskPercent (s: StatfsLike): number {
  const used = Number(s.blocks) - Number(s.bfree)
  const denom = used + Number(s.bavail)
  if (denom <= 0) return 0
  return clamp((used / denom) * 100)
}

export async function diskUsage (path: string): Promise<number> {
  return diskPercent(await statfs(path))
}

/** PRETTY_NAME from os-release(5), falling back to the kernel's name. */
export function parseOsRelease (content: string): string | undefined {
  const line = content.split('\n').find(l => l.startsWith('PRETTY_NAME='))
  if (line == null) return undefined
  const value = line.slice('PRETTY_NAME='.length).trim().replace(/^(["'])(.*)\1$/, '$2')
  return value === '' ? undefined : value
}

export async function osDescription (): Promise<string> {
  const kernel = `${type()} ${release()} ${arch()}`
  for (const file of ['/etc/os-release', '/usr/lib/os-release']) {
    const pretty = parseOsRelease(await readFile(file, 'utf8').catch(() => ''))
    if (pretty != null) return `${pretty} (${kernel})`
  }
  return kernel
}

function clamp (pct: number): number {
  return Math.min(100, Math.max(0, Math.round(pct * 10) / 10))
}
