/**
 * A local HashiCorp Serf cluster, the yardstick of issue 3's benchmark: N `serf agent` processes on
 * 127.0.0.1 with Serf's default (lan) timings, each with an event handler that appends
 * `<node> <epoch ns> <event> [members...]` to a file of its own, so user-event propagation and
 * failure detection are read from when each agent's handler actually fired.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { freePorts } from '../helpers/ports.js'
import { mapLimit, run, spawnTracked, terminate, waitExit, type RunResult } from '../helpers/procs.js'
import { waitFor, WaitTimeoutError } from '../helpers/wait.js'

export const SERF_BIN = process.env.SERF_BIN ?? 'serf'

// Member events carry "name addr role tags" lines on stdin; user events carry the payload, dropped.
const HANDLER = `#!/bin/sh
t=$(date +%s%N)
ev="$SERF_EVENT"
members=""
if [ "$ev" = user ]; then ev="user:$SERF_USER_EVENT"; cat >/dev/null; else members=$(awk '{printf "%s ", $1}'); fi
echo "$SERF_SELF_NAME $t $ev $members" >> "$1"
`

export interface SerfAgent {
  name: string
  pid: number
  bindPort: number
  rpcAddr: string
  eventLog: string
  child: ChildProcess
}

export interface HandlerEntry {
  node: string
  /** Epoch ms (fractional) when the handler ran. */
  at: number
  event: string
  members: string[]
}

export interface SerfFleet {
  root: string
  agents: SerfAgent[]
  /** Runs `serf SUBCOMMAND -rpc-addr=<agent's> REST` against one agent. */
  serf: (agent: SerfAgent, args: string[]) => Promise<RunResult>
  /** Handler entries logged so far by one agent. */
  handled: (agent: SerfAgent) => HandlerEntry[]
  /** Agents that `agent` sees alive (`serf members -status=alive`). */
  aliveSeenBy: (agent: SerfAgent) => Promise<string[]>
  kill: (agent: SerfAgent, signal?: NodeJS.Signals) => Promise<void>
  stop: () => Promise<void>
}

export function parseHandlerLog (text: string): HandlerEntry[] {
  const out: HandlerEntry[] = []
  for (const line of text.split('\n')) {
    const [node, ns, event, ...members] = line.trim().split(/\s+/)
    if (node === undefined || event === undefined || !/^\d+$/.test(ns ?? '')) continue
    // Epoch ns exceeds 2^53: split it so the ms keep their sub-ms digits.
    out.push({ node, at: Number(ns.slice(0, -6)) + Number(ns.slice(-6)) / 1e6, event, members: members.filter(Boolean) })
  }
  return out
}

export interface SerfFleetOptions {
  /** Agents started at once after the first. @default 10 */
  startConcurrency?: number
  /** @default 60000 */
  convergeTimeoutMs?: number
}

/** Starts `n` agents all joined to the first, and waits until every one sees all `n` alive. */
export async function startSerfFleet (n: number, opts: SerfFleetOptions = {}): Promise<SerfFleet> {
  const root = mkdtempSync(join(tmpdir(), 'slm-serf-'))
  const handler = join(root, 'handler.sh')
  writeFileSync(handler, HANDLER)
  chmodSync(handler, 0o755)
  const ports = await freePorts(2 * n)
  const agents: SerfAgent[] = []

  const serf = async (agent: SerfAgent, args: string[]): Promise<RunResult> =>
    // Go's flag parsing stops at the first positional argument: the RPC address goes first.
    await run(SERF_BIN, [args[0], `-rpc-addr=${agent.rpcAddr}`, ...args.slice(1)], { timeoutMs: 10_000 })

  const startAgent = (i: number): SerfAgent => {
    const name = `s${i + 1}`
    const bindPort = ports[2 * i]
    const rpcAddr = `127.0.0.1:${ports[2 * i + 1]}`
    const eventLog = join(root, `${name}.events`)
    writeFileSync(eventLog, '')
    const args = [
      'agent', `-node=${name}`, `-bind=127.0.0.1:${bindPort}`, `-rpc-addr=${rpcAddr}`,
      `-event-handler=${handler} ${eventLog}`, '-log-level=warn'
    ]
    if (i > 0) args.push(`-join=127.0.0.1:${agents[0].bindPort}`)
    const child = spawnTracked(SERF_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const log = createWriteStream(join(root, `${name}.log`))
    child.stdout?.pipe(log)
    child.stderr?.pipe(log)
    if (child.pid === undefined) throw new Error(`could not start ${SERF_BIN}; is Serf installed (apt-get install serf)?`)
    const agent = { name, pid: child.pid, bindPort, rpcAddr, eventLog, child }
    agents[i] = agent
    return agent
  }

  const aliveSeenBy = async (agent: SerfAgent): Promise<string[]> => {
    const r = await serf(agent, ['members', '-status=alive', '-format=json'])
    if (r.code !== 0) throw new Error(`serf members on ${agent.name} exited ${r.code}: ${r.stderr.trim()}`)
    return (r.json?.members ?? []).map((m: { name: string }) => m.name)
  }

  const stop = async (): Promise<void> => {
    await Promise.all(agents.map(async (a) => { await terminate(a.child, 5000) }))
    rmSync(root, { recursive: true, force: true })
  }

  const fleet: SerfFleet = {
    root,
    agents,
    serf,
    handled: (agent) => {
      try { return parseHandlerLog(readFileSync(agent.eventLog, 'utf8')) } catch { return [] }
    },
    aliveSeenBy,
    kill: async (agent, signal = 'SIGKILL') => {
      agent.child.kill(signal)
      await waitExit(agent.child, 5000)
    },
    stop
  }

  try {
    const first = startAgent(0)
    await waitFor(async () => (await aliveSeenBy(first)).length === 1, { timeoutMs: 15_000, intervalMs: 100, what: 's1 to answer RPC' })
    const rest = Array.from({ length: n - 1 }, (_, k) => k + 1)
    await mapLimit(rest, opts.startConcurrency ?? 10, async (i) => {
      const agent = startAgent(i)
      await waitFor(async () => (await aliveSeenBy(agent)).length > 1, { timeoutMs: 20_000, intervalMs: 100, what: `${agent.name} to join` })
    })
    const pending = new Set(agents)
    await waitFor(async () => {
      await mapLimit([...pending], 8, async (a) => {
        if ((await aliveSeenBy(a)).length === n) pending.delete(a)
      })
      return pending.size === 0
    }, { timeoutMs: opts.convergeTimeoutMs ?? 60_000, intervalMs: 200, what: `all ${n} Serf agents to see ${n} alive` })
  } catch (err) {
    await stop()
    throw err
  }
  return fleet
}

/**
 * Fires `count` user events, one at a time from rotating agents, each waited for until every
 * agent's handler ran it. Latency = last handler minus the origin's own handler (both forked the
 * same way, so the fork cost cancels), or minus the send time when the origin logged nothing.
 * An event that does not reach every agent within `timeoutMs` is counted as lost and the run goes
 * on (as slm's transitions are: slmPropagation): one lost event no longer costs the comparison.
 */
export async function serfPropagation (fleet: SerfFleet, count: number, timeoutMs = 15_000): Promise<{ samples: number[], lost: number }> {
  const samples: number[] = []
  let lost = 0
  const alive = fleet.agents.filter((a) => a.child.exitCode === null && a.child.signalCode === null)
  for (let i = 0; i < count; i++) {
    const origin = alive[i % alive.length]
    const name = `bench${i}`
    const sentAt = Date.now()
    // -coalesce=false: coalescing would hold the event back and skew the figure against Serf.
    const r = await fleet.serf(origin, ['event', '-coalesce=false', name, String(i)])
    if (r.code !== 0) throw new Error(`serf event failed: ${r.stderr.trim()}`)
    const times = await waitFor(() => {
      const seen = alive.map((a) => fleet.handled(a).find((e) => e.event === `user:${name}`)?.at)
      return seen.every((t) => t !== undefined) ? seen as number[] : null
    }, { timeoutMs, intervalMs: 20, what: `Serf user event ${name} on all ${alive.length} agents` }).catch((err) => {
      if (err instanceof WaitTimeoutError) return null
      throw err
    })
    if (times === null) { lost++; continue }
    const start = times[alive.indexOf(origin)] ?? sentAt
    samples.push(Math.max(...times) - start)
  }
  return { samples, lost }
}

export interface Detection {
  /** ms from kill -9 until the first survivor logged member-failed. */
  first: number
  /** ms from kill -9 until every survivor had. */
  all: number
}

/** kill -9 `victim`, then waits until every other agent's handler logged its member-failed. */
export async function serfDetection (fleet: SerfFleet, victim: SerfAgent, timeoutMs = 60_000): Promise<Detection> {
  const survivors = fleet.agents.filter((a) => a !== victim && a.child.exitCode === null && a.child.signalCode === null)
  const killedAt = Date.now()
  await fleet.kill(victim, 'SIGKILL')
  const times = await waitFor(() => {
    const seen = survivors.map((a) => fleet.handled(a)
      .find((e) => e.event === 'member-failed' && e.members.includes(victim.name))?.at)
    return seen.every((t) => t !== undefined) ? seen as number[] : null
  }, { timeoutMs, intervalMs: 50, what: `member-failed for ${victim.name} on all survivors` })
  return { first: Math.min(...times) - killedAt, all: Math.max(...times) - killedAt }
}
