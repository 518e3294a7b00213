/**
 * A real slm fleet on 127.0.0.1 (or on addresses of the caller's choosing, e.g. one network
 * namespace per node): N `slm daemon` processes set up and started through the CLI only
 * (keygen, init, daemon, status), each in its own state dir under one temp root. Used by the
 * integration tests, the chaos runs and the benchmark; everything it starts is stopped by pid.
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { follow, type Change, type Follower, type FollowOptions } from './follow.js'
import { mapLimit, terminate, waitExit, type RunResult } from './procs.js'
import { cliStatus, logTail, pickAddr, slm, SlmCliError, slmJson, socketStatus, spawnDaemon, waitReady } from './slm.js'
import { waitFor, type WaitOptions } from './wait.js'

export interface FleetOptions {
  n: number
  /** Passed as `--heartbeat-interval`; the daemon's default when unset. */
  heartbeatIntervalMs?: number
  /** Appended to every `slm daemon` command line. */
  extraArgs?: string[] | ((name: string, index: number) => string[])
  /**
   * Daemon config (the YAML file's keys), written to `<root>/slm.yaml` and passed as `--config`
   * to every daemon; also keeps a host's own /etc/slm/slm.yaml out of test fleets. @default {}
   */
  config?: Record<string, unknown>
  /** `--tag` values: the same for every node, or chosen per node. */
  tags?: string[] | ((name: string, index: number) => string[])
  /** `--code-source-repo`: a path for n1 only, or chosen per node (undefined: not a candidate). */
  codeSourceRepo?: string | ((name: string, index: number) => string | undefined)
  /** Daemons started at once after n1. @default 8 */
  startConcurrency?: number
  /** Per daemon, from spawn to answering `slm status`. @default 60000 */
  readyTimeoutMs?: number
  /** IPv4 address each daemon listens on (e.g. its network namespace's). @default '127.0.0.1' */
  listenIp?: string | ((name: string, index: number) => string)
  /** Command each daemon is run through, e.g. `['ip', 'netns', 'exec', ns]`. @default [] */
  prefix?: (name: string, index: number) => string[]
  /**
   * How readiness is asked: `cli` runs `slm status` (proves the CLI too), `socket` asks the control
   * socket in-process (for large fleets: no Node process per poll). @default 'cli'
   */
  readyProbe?: 'cli' | 'socket'
  /** Start only the first k daemons; the others are initialised, for `start(name)` later. @default n */
  startFirst?: number
}

export interface FleetNode {
  name: string
  index: number
  dir: string
  nodeId: string
  /** pid of the running daemon, 0 when stopped. */
  pid: number
  /** Full multiaddr (on `listenIp`) with `/p2p/<id>`. */
  addr: string
  child: ChildProcess | null
}

/** A daemon that exited without the harness asking it to. */
export interface Crash {
  name: string
  code: number | null
  signal: string | null
  at: number
  /** The last lines of its daemon.log. */
  log: string
}

export interface Fleet {
  root: string
  /** Path of the admin operator's key, trusted by every node (`--key` for commands). */
  operatorKey: string
  operatorPub: string
  nodes: FleetNode[]
  /** Daemons that exited unasked (a test can assert this stays empty). */
  crashes: Crash[]
  node: (name: string) => FleetNode
  /** Runs `slm ARGS`; `dir` is a state dir or a node name. */
  slm: (args: string[], opts?: { dir?: string, json?: boolean, timeoutMs?: number }) => Promise<RunResult>
  status: (name: string) => Promise<any>
  nodesOf: (name: string) => Promise<any[]>
  follow: (name: string, onChange: (c: Change) => void, opts?: FollowOptions) => Follower
  kill: (name: string, signal?: NodeJS.Signals) => Promise<void>
  start: (name: string) => Promise<FleetNode>
  restart: (name: string) => Promise<FleetNode>
  waitFor: <T>(predicate: () => T | Promise<T>, opts?: WaitOptions) => Promise<NonNullable<T>>
  stop: () => Promise<void>
}

const pick = <T>(v: T | ((name: string, i: number) => T) | undefined, name: string, i: number): T | undefined =>
  typeof v === 'function' ? (v as (name: string, i: number) => T)(name, i) : v

export async function startFleet (opts: FleetOptions): Promise<Fleet> {
  const root = mkdtempSync(join(tmpdir(), 'slm-f-'))
  const operatorKey = join(root, 'operator.key')
  const nodes: FleetNode[] = []
  const followers = new Set<Follower>()
  const crashes: Crash[] = []
  // Exits the harness caused (kill, restart, stop) are not crashes.
  const expected = new WeakSet<ChildProcess>()
  const configFile = join(root, 'slm.yaml')
  // JSON is YAML: no serializer needed for the config file.
  writeFileSync(configFile, JSON.stringify(opts.config ?? {}, null, 2) + '\n')
  const byName = (name: string): FleetNode => {
    const n = nodes.find((x) => x.name === name)
    if (n === undefined) throw new Error(`no node named ${name} in this fleet (have ${nodes.map((x) => x.name).join(', ')})`)
    return n
  }
  const dirOf = (d: string | undefined): string | undefined => nodes.find((x) => x.name === d)?.dir ?? d

  const daemonArgs = (node: FleetNode, listen: string, bootstrap?: string): string[] => {
    const args = ['--config', configFile, '--listen', listen]
    if (bootstrap !== undefined) args.push('--bootstrap', bootstrap)
    if (opts.heartbeatIntervalMs !== undefined) args.push('--heartbeat-interval', String(opts.heartbeatIntervalMs))
    for (const tag of pick(opts.tags, node.name, node.index) ?? []) args.push('--tag', tag)
    const repo = typeof opts.codeSourceRepo === 'string' ? (node.index === 0 ? opts.codeSourceRepo : undefined) : pick(opts.codeSourceRepo, node.name, node.index)
    if (repo !== undefined) args.push('--code-source-repo', repo)
    return [...args, ...(pick(opts.extraArgs, node.name, node.index) ?? [])]
  }

  /** Starts a stopped node, on its previous port if it had one, bootstrapping from a running peer. */
  const start = async (name: string): Promise<FleetNode> => {
    const node = byName(name)
    if (node.child !== null) throw new Error(`${name} is already running (pid ${node.pid})`)
    const port = /\/tcp\/(\d+)/.exec(node.addr)?.[1] ?? '0'
    const peer = nodes.find((x) => x !== node && x.child !== null && x.addr !== '')
    const ip = pick(opts.listenIp, node.name, node.index) ?? '127.0.0.1'
    const child = spawnDaemon(node.dir, daemonArgs(node, `/ip4/${ip}/tcp/${port}`, peer?.addr), opts.prefix?.(node.name, node.index))
    node.child = child
    node.pid = child.pid ?? 0
    child.once('exit', (code, signal) => {
      if (!expected.has(child)) crashes.push({ name, code, signal, at: Date.now(), log: logTail(node.dir) })
      if (node.child === child) {
        node.child = null
        node.pid = 0
      }
    })
    const status = await waitReady(node.dir, child, opts.readyTimeoutMs ?? 60_000, opts.readyProbe === 'socket' ? socketStatus : cliStatus)
    node.nodeId = status.nodeId ?? node.nodeId
    node.addr = pickAddr(status.listenAddrs, node.nodeId, ip)
    return node
  }

  const kill = async (name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    const node = byName(name)
    const child = node.child
    if (child === null) return
    expected.add(child)
    child.kill(signal)
    // A SIGTERM gets the daemon's clean shutdown; past 10 s it is a hang, and SIGKILL ends it.
    if (!(await waitExit(child, 10_000))) await terminate(child, 0)
  }

  const stop = async (): Promise<void> => {
    await Promise.all([...followers].map(async (f) => { await f.stop() }))
    await Promise.all(nodes.map(async (n) => {
      if (n.child === null) return
      expected.add(n.child)
      await terminate(n.child, 5000)
    }))
    if (process.env.SLM_KEEP_FLEET === undefined) rmSync(root, { recursive: true, force: true })
    else console.error(`slm fleet kept in ${root} (SLM_KEEP_FLEET)`)
  }

  const fleet: Fleet = {
    root,
    operatorKey,
    operatorPub: '',
    nodes,
    crashes,
    node: byName,
    slm: async (args, o = {}) => await slm(args, { ...o, dir: dirOf(o.dir) }),
    status: async (name) => await slmJson(['status'], { dir: byName(name).dir }),
    nodesOf: async (name) => await slmJson(['nodes'], { dir: byName(name).dir }),
    follow: (name, onChange, o) => {
      const f = follow(byName(name).dir, onChange, o)
      followers.add(f)
      f.child.once('exit', () => { followers.delete(f) })
      return f
    },
    kill,
    start,
    restart: async (name) => {
      await kill(name, 'SIGTERM')
      return await start(name)
    },
    waitFor,
    stop
  }

  try {
    const keygen = await slm(['keygen', '--out', operatorKey])
    const pub = /ed25519:\S+/.exec(keygen.stdout)?.[0]
    if (keygen.code !== 0 || pub === undefined) throw new SlmCliError(['keygen'], keygen)
    fleet.operatorPub = pub

    const names = Array.from({ length: opts.n }, (_, i) => `n${i + 1}`)
    // n1 creates the fleet key the others copy, so it is initialised first.
    nodes.push(await init(root, 'n1', 0, pub, ['--new-fleet']))
    const fleetKey = join(root, 'n1', 'fleet.key')
    nodes.push(...await mapLimit(names.slice(1), 4, async (name, k) => await init(root, name, k + 1, pub, ['--fleet-key', fleetKey])))

    await start('n1')
    await mapLimit(nodes.slice(1, opts.startFirst ?? opts.n), opts.startConcurrency ?? 8, async (node) => { await start(node.name) })
  } catch (err) {
    await stop()
    throw err
  }
  return fleet
}

async function init (root: string, name: string, index: number, pub: string, keyArgs: string[]): Promise<FleetNode> {
  const dir = join(root, name)
  const args = ['init', '--dir', dir, '--name', name, ...keyArgs, '--admin-pubkey', pub, '--json']
  const r = await slm(args)
  if (r.code !== 0) throw new SlmCliError(args, r)
  const nodeId: string = r.json?.nodeId ?? r.json?.id ?? /12D3Koo\w+/.exec(r.stdout)?.[0] ?? ''
  return { name, index, dir, nodeId, pid: 0, addr: '', child: null }
}
