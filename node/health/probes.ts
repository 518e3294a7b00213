/**
 * Host probes. The cheap ones read node:os, /proc and statfs; the slow ones (`systemctl show`,
 * `ss`) are async subprocesses with timeouts — never systeminformation's execSync paths, which
 * stall the event loop (PITFALLS).
 */
import { execFile } from 'node:child_process'
import { readFile, statfs } from 'node:fs/promises'
import { cpus, hostname, loadavg, uptime, type CpuInfo } from 'node:os'
import si from 'systeminformation'
import type { ListeningPort, ServiceState } from '../../protocol/types.js'

export async function run (cmd: string, args: string[], timeoutMs: number): Promise<string | null> {
  return await new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout) => { resolve(err != null && stdout === '' ? null : stdout) })
  })
}

/** CPU busy % between two os.cpus() samples. */
export function cpuPercent (prev: CpuInfo[], next: CpuInfo[]): number {
  let idle = 0
  let total = 0
  for (let i = 0; i < Math.min(prev.length, next.length); i++) {
    const a = prev[i].times
    const b = next[i].times
    const t = (b.user - a.user) + (b.nice - a.nice) + (b.sys - a.sys) + (b.irq - a.irq) + (b.idle - a.idle)
    total += t
    idle += b.idle - a.idle
  }
  return total <= 0 ? 0 : Math.round(1000 * (1 - idle / total)) / 10
}

export async function memoryPercent (): Promise<number> {
  // systeminformation reads /proc/meminfo asynchronously; `available` counts reclaimable cache.
  const m = await si.mem()
  return m.total > 0 ? Math.round(1000 * (1 - m.available / m.total)) / 10 : 0
}

export async function diskPercent (path: string): Promise<number> {
  try {
    const s = await statfs(path)
    const used = s.blocks - s.bfree
    const usable = used + s.bavail
    return usable > 0 ? Math.round(1000 * used / usable) / 10 : 0
  } catch {
    return 0
  }
}

export async function osName (): Promise<string> {
  try {
    const text = await readFile('/etc/os-release', 'utf8')
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? 'linux'
  } catch {
    return process.platform
  }
}

export function basics (): { hostname: string, loadAvg: [number, number, number], uptimeSeconds: number, cpus: CpuInfo[] } {
  const l = loadavg()
  return { hostname: hostname(), loadAvg: [l[0], l[1], l[2]], uptimeSeconds: Math.round(uptime()), cpus: cpus() }
}

/** Parses `systemctl show -p Id,ActiveState,SubState,MainPID,MemoryCurrent,UnitFileState` blocks. */
export function parseSystemctlShow (text: string): ServiceState[] {
  const out: ServiceState[] = []
  for (const block of text.split(/\n\s*\n/)) {
    const kv = Object.fromEntries(block.split('\n').map(l => l.split('=')).filter(p => p.length >= 2).map(([k, ...v]) => [k, v.join('=')]))
    if (kv.Id == null) continue
    const s: ServiceState = { name: kv.Id, activeState: kv.ActiveState ?? 'unknown', subState: kv.SubState ?? 'unknown' }
    if (kv.MainPID != null && kv.MainPID !== '0') s.mainPid = Number(kv.MainPID)
    if (kv.MemoryCurrent != null && /^\d+$/.test(kv.MemoryCurrent)) s.memoryBytes = Number(kv.MemoryCurrent)
    if (kv.UnitFileState != null) s.enabled = kv.UnitFileState === 'enabled'
    out.push(s)
  }
  return out
}

export async function services (units: string[], timeoutMs: number): Promise<ServiceState[]> {
  if (units.length === 0) return []
  const text = await run('systemctl', ['show', '-p', 'Id,ActiveState,SubState,MainPID,MemoryCurrent,UnitFileState', '--', ...units], timeoutMs)
  // No systemd as PID 1 (containers, this CI): report what we cannot know as unknown.
  if (text == null) return units.map(name => ({ name, activeState: 'unknown', subState: 'unknown' }))
  return parseSystemctlShow(text)
}

/** Parses `ss -Htlnp` lines: `LISTEN 0 511 0.0.0.0:80 0.0.0.0:* users:(("nginx",pid=12,fd=6))`. */
export function parseSs (text: string): ListeningPort[] {
  const out = new Map<number, ListeningPort>()
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/)
    if (cols.length < 4) continue
    const local = cols[3]
    const port = Number(local.slice(local.lastIndexOf(':') + 1))
    if (!Number.isInteger(port) || port <= 0) continue
    const m = /users:\(\("([^"]+)",pid=(\d+)/.exec(line)
    const entry: ListeningPort = { port }
    if (m != null) { entry.process = m[1]; entry.pid = Number(m[2]) }
    if (!out.has(port) || (out.get(port)!.process == null && entry.process != null)) out.set(port, entry)
  }
  return [...out.values()].sort((a, b) => a.port - b.port)
}

/** /proc/net/tcp{,6} fallback when `ss` is missing: ports in state 0A (LISTEN), no processes. */
export function parseProcNetTcp (text: string): number[] {
  const ports: number[] = []
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/)
    if (cols[3] !== '0A') continue
    const port = parseInt(cols[1].split(':')[1] ?? '', 16)
    if (Number.isInteger(port)) ports.push(port)
  }
  return ports
}

export async function listeningPorts (timeoutMs: number): Promise<ListeningPort[]> {
  const text = await run('ss', ['-Htlnp'], timeoutMs)
  if (text != null) return parseSs(text)
  const ports = new Set<number>()
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try { for (const p of parseProcNetTcp(await readFile(f, 'utf8'))) ports.add(p) } catch {}
  }
  return [...ports].sort((a, b) => a - b).map(port => ({ port }))
}
