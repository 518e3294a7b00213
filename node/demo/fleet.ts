/**
 * `slm demo`: a real local fleet — N daemons as separate processes on 127.0.0.1 in a temp dir, a
 * fleet key, an operator key, a demo git repo on the code-source node, demo roles whose health
 * checks pass — and a clean teardown of every process and the temp dir.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { StatusView } from '../../protocol/control.js'
import { ControlClient } from '../control/index.js'
import { socketPathFor } from '../cli/daemon-client.js'
import { DAEMON_NODE_FLAGS } from '../daemon/node-flags.js'

export interface DemoNode { name: string, dir: string, child: ChildProcess, addr?: string }

export interface DemoFleet {
  root: string
  keyFile: string
  repo: string
  nodes: DemoNode[]
  stop: () => Promise<void>
}

const MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url))

function slm (args: string[]): string {
  return execFileSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

function makeRepo (repo: string): void {
  mkdirSync(join(repo, 'web'), { recursive: true })
  mkdirSync(join(repo, 'api'), { recursive: true })
  writeFileSync(join(repo, 'web', 'index.html'), '<h1>slm demo</h1>\n')
  writeFileSync(join(repo, 'api', 'server.js'), 'console.log("demo api")\n')
  const git = (...a: string[]): void => { execFileSync('git', a, { cwd: repo, stdio: 'ignore' }) }
  git('init', '-q', '-b', 'main')
  git('-c', 'user.name=slm demo', '-c', 'user.email=demo@localhost', 'add', '.')
  git('-c', 'user.name=slm demo', '-c', 'user.email=demo@localhost', 'commit', '-q', '-m', 'demo: first commit')
}

async function waitStatus (dir: string, timeoutMs: number): Promise<StatusView> {
  const deadline = Date.now() + timeoutMs
  let lastErr: unknown
  while (Date.now() < deadline) {
    try {
      const c = await ControlClient.connect(socketPathFor(dir), 1000)
      try { return await c.call<StatusView>('status') } finally { c.close() }
    } catch (err) { lastErr = err }
    await new Promise(resolve => setTimeout(resolve, 150))
  }
  throw new Error(`daemon in ${dir} did not start: ${String(lastErr)}`)
}

export async function startDemoFleet (n: number, log: (s: string) => void = () => {}): Promise<DemoFleet> {
  const root = mkdtempSync(join(tmpdir(), 'slm-demo-'))
  const keyFile = join(root, 'operator.key')
  const pub = slm(['keygen', '--out', keyFile]).trim().split('\n').pop()!.trim()
  const repo = join(root, 'repo')
  makeRepo(repo)
  // Its own config, so a demo never reads the host's /etc/slm/slm.yaml. CPU threshold off: the
  // demo's daemons share one host, whose CPU is everyone's and mostly the demo's own start-up.
  const config = join(root, 'slm.yaml')
  writeFileSync(config, 'thresholds:\n  cpu: 0\n  memory: 95\n  disk: 95\n')
  const nodes: DemoNode[] = []
  const fleet: DemoFleet = {
    root, keyFile, repo, nodes,
    stop: async () => {
      for (const node of nodes) if (node.child.exitCode == null) node.child.kill('SIGTERM')
      const deadline = Date.now() + 5000
      while (nodes.some(x => x.child.exitCode == null && x.child.signalCode == null) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100))
      for (const node of nodes) if (node.child.exitCode == null && node.child.signalCode == null) node.child.kill('SIGKILL')
      rmSync(root, { recursive: true, force: true })
    }
  }
  try {
    for (let i = 1; i <= n; i++) {
      const name = `n${i}`
      const dir = join(root, name)
      slm(['init', '--dir', dir, '--name', name, ...(i === 1 ? ['--new-fleet'] : ['--fleet-key', join(root, 'n1', 'fleet.key')]), '--admin-pubkey', pub])
      const out = openSync(join(dir, 'daemon.log'), 'a')
      const args = [MAIN, 'daemon', '--config', config, '--dir', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--heartbeat-interval', '1000', '--log-level', 'warn']
      if (i > 1) args.push('--bootstrap', nodes[0].addr!)
      if (i === 1) args.push('--code-source-repo', repo)
      // Own process group: the terminal's SIGHUP goes to the demo, which stops the daemons (a
      // daemon takes SIGHUP as "reload config"); SLM_STOP_WITH_PARENT covers a demo that died.
      const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, ...args], { stdio: ['ignore', out, out], detached: true, env: { ...process.env, SLM_STOP_WITH_PARENT: String(process.pid) } })
      nodes.push({ name, dir, child })
      const st = await waitStatus(dir, 20_000)
      nodes[nodes.length - 1].addr = st.listenAddrs[0]
      log(`started ${name} ${st.listenAddrs[0]}`)
    }
  } catch (err) {
    await fleet.stop()
    throw err
  }
  return fleet
}

/** Admission policy auto, demo roles defined and assigned: the fleet comes up online. */
export function seedDemoFleet (fleet: DemoFleet): void {
  const dir = fleet.nodes[0].dir
  const roleFile = join(fleet.root, 'web.yaml')
  writeFileSync(roleFile, [
    'name: web', 'display_name: Demo web', 'description: static site from the demo repo', 'service_type: stateless',
    'source_paths: [web]', 'target_path: roles/web', 'auto_restart: false',
    'health_checks:', '  - kind: command', '    command: "true"', ''
  ].join('\n'))
  const run = (...a: string[]): void => { slm(['--dir', dir, ...a, '--key', fleet.keyFile]) }
  run('admission-policy', 'auto')
  run('role', 'define', roleFile)
  run('role', 'assign', 'web', '--all')
}
