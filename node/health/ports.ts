/**
 * Listening TCP ports with the process that holds each (PREDECESSOR.md 1.2 `listening_ports`).
 * `ss -Htlnp` answers in one fork (`ss -Htln` while the ports stay the same, below); where
 * iproute2 is missing, /proc/net/tcp{,6} still gives the ports, without process names (mapping
 * socket inodes to pids means walking every /proc/<pid>/fd, which costs more than the answer is
 * worth).
 */
import { open } from 'node:fs/promises'
import type { ListeningPort } from '../../protocol/types.js'
import { MAX_COMMAND_OUTPUT } from './constants.js'
import { runTool } from './exec.js'

export interface PortsQueryOptions {
  timeoutMs: number
  signal?: AbortSignal
  /** @default 'ss' */
  ss?: string
  /** @default '/proc/net' */
  procNet?: string
}

export interface PortsSnapshot {
  source: 'ss' | 'proc' | 'none'
  ports: ListeningPort[]
}

// users:(("nginx",pid=1235,fd=6),("nginx",pid=1234,fd=6)) — the first holder names the port.
const USERS = /users:\(\("((?:[^"\\]|\\.)*)",pid=(\d+)/
// The local address is the first token ending in `:port` (0.0.0.0:22, [::]:22, *:22,
// 127.0.0.53%lo:53); the peer column that follows ends in `:*` under -l.
const ADDR = /:(\d+)$/

/** One port once: the IPv4 and IPv6 sockets of one server merge, keeping whichever names a process. */
function merge (list: ListeningPort[]): ListeningPort[] {
  const byPort = new Map<number, ListeningPort>()
  for (const p of list) {
    const seen = byPort.get(p.port)
    if (seen == null || (seen.pid == null && p.pid != null)) byPort.set(p.port, p)
  }
  return [...byPort.values()].sort((a, b) => a.port - b.port)
}

/** Parses `ss -Htlnp` output (no header). Lines it cannot read are skipped, not fatal. */
export function parseSs (output: string): ListeningPort[] {
  const found: ListeningPort[] = []
  for (const line of output.split('\n')) {
    const tokens = line.trim().split(/\s+/)
    // State, Recv-Q, Send-Q, Local, Peer[, Process]; some builds omit State under -l.
    const local = tokens.find((t, i) => i <= 3 && ADDR.test(t))
    if (local == null) continue
    const port = Number(ADDR.exec(local)![1])
    if (!Number.isInteger(port) || port <= 0 || port > 65535) continue
    const entry: ListeningPort = { port }
    const users = USERS.exec(line)
    if (users != null) {
      entry.process = users[1].replace(/\\(.)/g, '$1')
      entry.pid = Number(users[2])
    }
    found.push(entry)
  }
  return merge(found)
}

/** Parses /proc/net/tcp or tcp6: `sl local_address rem_address st ...`, hex port, st 0A = LISTEN. */
export function parseProcNetTcp (content: string): ListeningPort[] {
  const found: ListeningPort[] = []
  for (const line of content.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/)
    if (fields.length < 4 || fields[3] !== '0A') continue
    const hex = fields[1].split(':')[1]
    const port = Number.parseInt(hex ?? '', 16)
    if (Number.isInteger(port) && port > 0) found.push({ port })
  }
  return merge(found)
}

/** Reads of /proc/net/tcp are this large; the listening sockets of a host fit in the first. */
const PROC_CHUNK_BYTES = 16 * 1024

// A socket line in any state but LISTEN (0A): `  12: 0100007F:B0A3 0100007F:07E8 01 ...`.
const NOT_LISTENING = /^\s*\d+: \S+ \S+ (?!0A)[0-9A-F]{2} /m

/**
 * The listening part of /proc/net/tcp or tcp6. The kernel lists listening sockets first and every
 * other socket after them, and makes each read walk its tables up to the offset asked for: on a
 * host with many connections (30 daemons on one box hold ~1,800) reading the whole file every
 * check was ~5 % of an idle daemon's CPU. Reading stops at the first socket that is not listening.
 */
async function readListening (file: string): Promise<string | undefined> {
  const fh = await open(file, 'r').catch(() => undefined)
  if (fh == null) return undefined
  try {
    const buf = Buffer.allocUnsafe(PROC_CHUNK_BYTES)
    let text = ''
    while (text.length < MAX_COMMAND_OUTPUT) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null)
      if (bytesRead === 0) break
      const chunk = buf.toString('latin1', 0, bytesRead)
      // The line cut at the chunk's end is tested with the next chunk.
      const tail = text.slice(text.lastIndexOf('\n') + 1)
      text += chunk
      if (NOT_LISTENING.test(tail + chunk)) break
    }
    return text
  } catch {
    return undefined
  } finally {
    await fh.close().catch(() => {})
  }
}

async function fromProc (dir: string): Promise<ListeningPort[] | undefined> {
  const texts = await Promise.all(['tcp', 'tcp6'].map(async f => await readListening(`${dir}/${f}`)))
  if (texts.every(t => t == null)) return undefined
  return merge(texts.flatMap(t => t == null ? [] : parseProcNetTcp(t)))
}

/**
 * How long the processes named for an unchanged set of listening ports are trusted while each of
 * them still runs. A server that restarts keeping its port leaves its old pid behind, which is
 * seen at the next check; this bound is for what that misses (a socket handed to another process).
 */
export const PORT_PROCESSES_MAX_AGE_MS = 600_000

/** Whether a process exists: EPERM means it does, owned by someone we may not signal. */
export function processRunning (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err: any) {
    return err?.code === 'EPERM'
  }
}

/** What the last `ss -p` answered, for `listListeningPorts` to reuse while the ports stay the same. */
export interface PortsMemo { key: string, ports: ListeningPort[], at: number }

const portsKey = (ports: ListeningPort[]): string => ports.map(p => p.port).join(',')

/**
 * Listening ports with their processes. `-p` is what costs: ss walks every process's open files
 * to name socket owners (at 30 daemons on one host, one run a minute per daemon was 5 % of the
 * fleet's idle CPU), so it runs only when the set of listening ports changed since `memo`, a
 * named process is gone (a restarted server keeping its port shows its new pid at the next
 * check), or the names are older than PORT_PROCESSES_MAX_AGE_MS; otherwise /proc/net/tcp{,6} (or,
 * without them, `ss -Htln`) confirms nothing changed and the remembered names are kept.
 */
export async function listListeningPorts (opts: PortsQueryOptions, memo?: { current?: PortsMemo, now?: () => number, running?: (pid: number) => boolean }): Promise<PortsSnapshot> {
  const ss = opts.ss ?? 'ss'
  const now = memo?.now ?? Date.now
  const running = memo?.running ?? processRunning
  const run = async (args: string[]): Promise<ListeningPort[] | null> => {
    const res = await runTool(ss, args, { timeoutMs: opts.timeoutMs, signal: opts.signal })
    return res.kind === 'ok' ? parseSs(res.stdout) : null
  }
  const last = memo?.current
  if (last != null && now() - last.at < PORT_PROCESSES_MAX_AGE_MS && last.ports.every(p => p.pid == null || running(p.pid))) {
    // The kernel's list without a fork where /proc is there: this check was a daemon's most
    // frequent child process (~15 ms of CPU with the fork and exec), the file read is ~3 ms.
    const bare = await fromProc(opts.procNet ?? '/proc/net') ?? await run(['-Htln'])
    if (bare != null && portsKey(bare) === last.key) return { source: 'ss', ports: last.ports }
  }
  const full = await run(['-Htlnp'])
  if (full != null) {
    if (memo != null) memo.current = { key: portsKey(full), ports: full, at: now() }
    return { source: 'ss', ports: full }
  }
  if (memo != null) memo.current = undefined
  const proc = await fromProc(opts.procNet ?? '/proc/net')
  return proc == null ? { source: 'none', ports: [] } : { source: 'proc', ports: proc }
}
