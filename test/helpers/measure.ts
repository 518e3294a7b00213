/**
 * Measurements on a running slm fleet, shared by the benchmark and the chaos/scale runs. Times come
 * from each daemon's own `receivedAt` stamps (one host, one clock), not from the harness, so CLI
 * start-up and polling delays do not enter the figures.
 */
import { join } from 'node:path'
import { CONTROL_SOCKET_NAME, ControlClient } from '../../node/control/index.js'
import { loadOperatorKey } from '../../node/identity/operator-key.js'
import { buildCommand, type CommandSigner } from '../../tui/commands/build.js'
import { parsePrompt } from '../../tui/commands/parse.js'
import { createSigner } from '../../tui/commands/signer.js'
import type { Change } from './follow.js'
import type { Fleet, FleetNode } from './fleet.js'
import { mapLimit } from './procs.js'
import { SlmCliError } from './slm.js'
import { sleep, waitFor } from './wait.js'

/** Waits until every running node knows all `n` nodes and sees the others alive. */
export async function converge (fleet: Fleet, timeoutMs = 120_000): Promise<void> {
  const running = fleet.nodes.filter((x) => x.child !== null)
  const pending = new Set(running)
  await waitFor(async () => {
    // Converged nodes are not asked again: N CLI calls per round would load a large fleet.
    await mapLimit([...pending], 2, async (node) => {
      const s = await fleet.status(node.name)
      const l = s.liveness ?? {}
      if ((s.nodes ?? running.length) >= running.length && (l.alive ?? 0) >= running.length - 1 &&
        (l.suspect ?? 0) === 0 && (l.unreachable ?? 0) === 0) pending.delete(node)
    })
    return pending.size === 0
  }, { timeoutMs, intervalMs: 1000, what: `all ${running.length} nodes to see each other alive` })
}

/**
 * Waits until every running node reports the same replicaDigest (admission's events and results
 * have reached everyone), then `quietMs` more: what "idle" means for the figures taken after it.
 * Returns the ms until the digests agreed, or null if they did not within `timeoutMs`.
 */
export async function settle (fleet: Fleet, timeoutMs = 180_000, quietMs = 10_000): Promise<number | null> {
  const t0 = Date.now()
  const running = fleet.nodes.filter((x) => x.child !== null)
  let agreed: number | null = null
  try {
    await waitFor(async () => {
      const digests = new Set<string>()
      await mapLimit(running, 2, async (node) => { digests.add(String((await fleet.status(node.name)).replicaDigest)) })
      return digests.size === 1
    }, { timeoutMs, intervalMs: 1000, what: `one replicaDigest on all ${running.length} nodes` })
    agreed = Date.now() - t0
  } catch {}
  await sleep(quietMs)
  return agreed
}

/** `slm admit --all-discovered`, then waits until n1 lists every node `online`. */
export async function admitAll (fleet: Fleet, timeoutMs = 90_000): Promise<void> {
  const args = ['admit', '--all-discovered', '--key', fleet.operatorKey]
  const r = await fleet.slm(args, { dir: fleet.nodes[0].dir })
  if (r.code !== 0) throw new SlmCliError(args, r)
  await waitFor(async () => (await fleet.nodesOf(fleet.nodes[0].name)).every((x) => x.state === 'online'),
    { timeoutMs, intervalMs: 1000, what: 'every node online after admit' })
}

/**
 * One control-socket subscription per running node, in-process, recording every change each node
 * stores by observer name. Heartbeats are left out by the daemon itself (liveness changes are kept
 * for failure detection): 30 `slm events --follow` processes each woken by every heartbeat loaded
 * the very box whose propagation they measured. The CLI stream has its own integration tests.
 */
export class Observers {
  readonly seen = new Map<string, Change[]>()
  private readonly clients: ControlClient[] = []
  private readonly subscribed: Promise<void>

  constructor (fleet: Fleet) {
    const running = fleet.nodes.filter((x) => x.child !== null)
    if (running.length === 0) throw new Error('no daemon of the fleet is running')
    for (const node of running) this.seen.set(node.name, [])
    this.subscribed = Promise.all(running.map(async (node) => {
      const list = this.seen.get(node.name)!
      const client = await ControlClient.connect(join(node.dir, CONTROL_SOCKET_NAME))
      this.clients.push(client)
      await client.subscribe((c) => { list.push(c as unknown as Change) }, { skipKinds: ['heartbeat'] })
    })).then(() => {})
    this.subscribed.catch(() => {}) // reported by ready()
  }

  /** Resolves once every node has acknowledged its subscription: nothing stored after is missed. */
  async ready (timeoutMs = 60_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([this.subscribed, new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => { reject(new Error(`observers not subscribed within ${timeoutMs} ms`)) }, timeoutMs)
      })])
    } finally {
      clearTimeout(timer)
    }
  }

  /** When `observer` stored the transition `origin#seq`, or undefined. */
  at (observer: string, origin: string, seq: number): number | undefined {
    return this.seen.get(observer)?.find((c) => c.origin === origin && c.seq === seq && c.type === 'transition')?.receivedAt
  }

  /** Transitions authored by `node`, as its own follower saw them stored, after `since`. */
  transitionsOf (node: FleetNode, since: number): Change[] {
    return (this.seen.get(node.name) ?? []).filter((c) => c.origin === node.nodeId && c.type === 'transition' && c.receivedAt >= since)
  }

  async stop (): Promise<void> {
    for (const c of this.clients) c.close()
  }
}

/**
 * How a run issues operator commands: `cli` runs `slm ... --key` per command; `tui` sends them as
 * the TUI does (its prompt parser, command builder and signer; `submit` on a control connection
 * kept open to the target's daemon). Either way the command is signed by the operator key and
 * checked by the daemon alike. A signed `slm` call is a Node process of ~0.1-0.2 CPU-s, which is
 * still exiting when its answer comes, as the transition leaves the origin: its exit shares the
 * two cores with the receivers whose store times are measured.
 */
export type CommandVia = 'cli' | 'tui'

export class OperatorConsole {
  private readonly fleet: Fleet
  private readonly via: CommandVia
  private signer: CommandSigner | undefined
  private readonly clients = new Map<string, ControlClient>()

  constructor (fleet: Fleet, via: CommandVia) {
    this.fleet = fleet
    this.via = via
  }

  /** Runs a TUI prompt line (`maintenance enter planned bench`) against `node`, on `node`'s daemon. */
  async run (line: string, node: FleetNode, cliArgs: string[]): Promise<void> {
    if (this.via === 'cli') {
      const full = [...cliArgs, '--key', this.fleet.operatorKey]
      const r = await this.fleet.slm(full, { dir: node.dir })
      if (r.code !== 0) throw new SlmCliError(full, r)
      return
    }
    const parsed = parsePrompt(line)
    if (parsed.kind !== 'action') throw new Error(`not an action prompt: ${line}`)
    this.signer ??= createSigner((await loadOperatorKey(this.fleet.operatorKey)).privateKeyPem)
    let client = this.clients.get(node.name)
    if (client === undefined) {
      client = await ControlClient.connect(join(node.dir, CONTROL_SOCKET_NAME))
      this.clients.set(node.name, client)
    }
    await client.call('submit', { command: buildCommand(parsed, [node.nodeId], this.signer, Date.now()) })
  }

  close (): void {
    for (const c of this.clients.values()) c.close()
    this.clients.clear()
  }
}

const stateAfter = (c: Change): string | undefined => (c.event as { body?: { to?: string } } | undefined)?.body?.to

/**
 * Drives nodes through maintenance (enter planned, then exit: 1 + 2-3 transitions per cycle) until
 * `count` transitions have been stored on every observer. Each sample: the last observer's
 * `receivedAt` minus the origin's own. Samples that never reach everyone are counted as `lost`.
 * Commands go to the target's own daemon, as the TUI sends them unless `via` is 'cli'.
 */
export async function slmPropagation (fleet: Fleet, obs: Observers, count: number, opts: { budgetMs?: number, via?: CommandVia } = {}): Promise<{ samples: number[], lost: number }> {
  const { budgetMs = 180_000, via = 'tui' } = opts
  const observers = [...obs.seen.keys()]
  const nodes = fleet.nodes.filter((x) => x.child !== null)
  const since = Date.now()
  const deadline = since + budgetMs
  const complete = (node: FleetNode): boolean =>
    obs.transitionsOf(node, since).every((c) => observers.every((o) => obs.at(o, c.origin, c.seq as number) !== undefined))
  const lastState = (node: FleetNode): string | undefined => {
    const own = obs.transitionsOf(node, since)
    return own.length > 0 ? stateAfter(own[own.length - 1]) : 'online'
  }
  const operator = new OperatorConsole(fleet, via)
  const produced = (): number => nodes.reduce((s, n) => s + obs.transitionsOf(n, since).length, 0)

  try {
    for (let round = 0; produced() < count && Date.now() < deadline && round < count * 2; round++) {
      // 'maintenance enter --type planned' is valid from online only (DESIGN.md state machine).
      const node = [...nodes.slice(round % nodes.length), ...nodes].find((x) => x.child !== null && lastState(x) === 'online')
      if (node === undefined) throw new Error('no running node is online to drive through maintenance')
      const before = obs.transitionsOf(node, since).length
      await operator.run('maintenance enter planned bench', node, ['maintenance', 'enter', node.name, '--type', 'planned', '--reason', 'bench'])
      await waitFor(() => obs.transitionsOf(node, since).length > before && complete(node),
        { timeoutMs: 20_000, intervalMs: 20, what: `${node.name}'s maintenance transition on all nodes` })
      await operator.run('maintenance exit', node, ['maintenance', 'exit', node.name])
      // The node walks back to online by itself; a node that stays in recovering is left there.
      await waitFor(() => lastState(node) === 'online' && complete(node),
        { timeoutMs: 20_000, intervalMs: 20, what: `${node.name} back online on all nodes` }).catch(() => {})
    }
  } finally {
    operator.close()
  }

  const samples: number[] = []
  let lost = 0
  for (const node of nodes) {
    for (const c of obs.transitionsOf(node, since)) {
      const times = observers.map((o) => obs.at(o, c.origin, c.seq as number))
      if (times.some((t) => t === undefined)) lost++
      else samples.push(Math.max(...(times as number[])) - c.receivedAt)
    }
  }
  return { samples, lost }
}

/** kill -9 `victim`; ms until the first and until every survivor stored it as `unreachable`. */
export async function slmDetection (fleet: Fleet, obs: Observers, victim: FleetNode, timeoutMs = 120_000): Promise<{ first: number, all: number, suspectAll?: number }> {
  const survivors = [...obs.seen.keys()].filter((name) => name !== victim.name && fleet.node(name).child !== null)
  if (survivors.length === 0) throw new Error(`no running node is left to notice ${victim.name} die`)
  const id = victim.nodeId
  const killedAt = Date.now()
  await fleet.kill(victim.name, 'SIGKILL')
  const when = (name: string, liveness: string): number | undefined => obs.seen.get(name)
    ?.find((c) => c.kind === 'liveness' && c.liveness === liveness && c.receivedAt >= killedAt && (c.origin === id || c.key === id))?.receivedAt
  const times = await waitFor(() => {
    const t = survivors.map((name) => when(name, 'unreachable'))
    return t.every((x) => x !== undefined) ? t as number[] : null
  }, { timeoutMs, intervalMs: 100, what: `every survivor to mark ${victim.name} unreachable` })
  const suspect = survivors.map((name) => when(name, 'suspect'))
  return {
    first: Math.min(...times) - killedAt,
    all: Math.max(...times) - killedAt,
    ...(suspect.every((x) => x !== undefined) ? { suspectAll: Math.max(...(suspect as number[])) - killedAt } : {})
  }
}
