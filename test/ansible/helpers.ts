/**
 * Shared by the Ansible tests: run the real tools (ansible-playbook, ansible-lint,
 * systemd-analyze, visudo), fail with the Debian package to install when one is missing, render
 * the role's templates with the role's own defaults, and read the PLAY RECAP.
 */
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const ANSIBLE_DIR = join(ROOT, 'ansible')
export const ROLES_DIR = join(ANSIBLE_DIR, 'roles')

/** The Debian package that provides each tool (CI installs them; see docs/deploy.md). */
const PACKAGES: Record<string, string> = {
  'ansible-playbook': 'ansible',
  ansible: 'ansible',
  'ansible-lint': 'ansible-lint',
  'systemd-analyze': 'systemd',
  visudo: 'sudo',
  git: 'git',
  npm: 'npm'
}

/** The tool's absolute path; throws naming the package to install when it is missing. */
export function requireTool (name: string): string {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' })
  const path = r.stdout.trim()
  if (r.status !== 0 || path === '') {
    const pkg = PACKAGES[name] ?? name
    throw new Error(`${name} is not installed; these tests run it for real. Install it with: apt-get install -y ${pkg}`)
  }
  return path
}

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  input?: string
}

/** Runs a command to completion (async, so a long playbook does not block the test worker). */
export async function run (cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return await new Promise((resolvePromise, reject) => {
    const stdin = opts.input == null ? 'ignore' : 'pipe'
    const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: [stdin, 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString() })
    child.on('error', reject)
    child.on('close', (code) => { resolvePromise({ code, stdout, stderr }) })
    if (child.stdin != null) {
      // A tool that exits without reading its input must not crash the worker with EPIPE.
      child.stdin.on('error', () => {})
      child.stdin.end(opts.input)
    }
  })
}

/** Environment for ansible-*: our ansible.cfg, no colours (the recap is parsed), no cowsay. */
export function ansibleEnv (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ANSIBLE_CONFIG: join(ANSIBLE_DIR, 'ansible.cfg'),
    ANSIBLE_ROLES_PATH: ROLES_DIR,
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
    ANSIBLE_NOCOWS: '1',
    ANSIBLE_LOCALHOST_WARNING: 'false',
    ANSIBLE_RETRY_FILES_ENABLED: 'false',
    PY_COLORS: '0',
    ...extra
  }
}

export function tempDir (prefix: string): string {
  return mkdtempSync(join(tmpdir(), `slm-ansible-${prefix}-`))
}

/** A fresh libp2p pnet v1 key, the format `slm init --new-fleet` writes. */
export function newFleetKey (): string {
  return `/key/swarm/psk/1.0.0/\n/base16/\n${randomBytes(32).toString('hex')}`
}

export interface RecapLine {
  ok: number
  changed: number
  unreachable: number
  failed: number
  skipped: number
  rescued: number
  ignored: number
}

/** The PLAY RECAP, per host: `127.0.0.1 : ok=18 changed=0 unreachable=0 failed=0 ...`. */
export function parseRecap (output: string): Map<string, RecapLine> {
  const recap = output.slice(output.lastIndexOf('PLAY RECAP'))
  const hosts = new Map<string, RecapLine>()
  for (const line of recap.split('\n').slice(1)) {
    const m = /^(\S+)\s*:\s*(.*)$/.exec(line.trim())
    if (m == null) continue
    const counts: Record<string, number> = {}
    for (const [, k, v] of m[2].matchAll(/(\w+)=(\d+)/g)) counts[k] = Number(v)
    if (!('changed' in counts)) continue
    hosts.set(m[1], counts as unknown as RecapLine)
  }
  return hosts
}

/** Names of the tasks that reported `changed`, for a readable failure when idempotency breaks. */
export function changedTasks (output: string): string[] {
  const out: string[] = []
  let task = ''
  for (const line of output.split('\n')) {
    const t = /^(?:TASK|RUNNING HANDLER) \[(.*)\]/.exec(line)
    if (t != null) task = t[1]
    else if (line.startsWith('changed:')) out.push(task)
  }
  return out
}

export interface RenderInput {
  /** Inventory (YAML or JSON text) with the hosts whose templates are rendered. */
  inventory: unknown
  /** Host to render for (`--limit`). */
  host: string
  /** template file in roles/slm_node/templates -> output file name in `outDir`. */
  templates: Record<string, string>
  outDir: string
}

/**
 * Renders slm_node's templates exactly as the role would: a throwaway role whose defaults and
 * templates are the real role's (symlinks), so defaults keep role-default precedence and the
 * inventory overrides them as it does in a real run. Nothing is contacted (connection local).
 */
export async function renderTemplates (input: RenderInput): Promise<RunResult> {
  const work = tempDir('render')
  const role = join(work, 'roles', 'slm_node_render')
  mkdirSync(join(role, 'tasks'), { recursive: true })
  mkdirSync(join(role, 'defaults'))
  symlinkSync(join(ROLES_DIR, 'slm_node', 'defaults', 'main.yml'), join(role, 'defaults', 'main.yml'))
  symlinkSync(join(ROLES_DIR, 'slm_node', 'templates'), join(role, 'templates'))
  const tasks = Object.entries(input.templates).map(([src, dest]) => ({
    name: `Render ${src}`,
    'ansible.builtin.template': { src, dest: join(input.outDir, dest), mode: '0644' }
  }))
  writeFileSync(join(role, 'tasks', 'main.yml'), JSON.stringify(tasks))
  writeFileSync(join(work, 'inventory.json'), JSON.stringify(input.inventory))
  writeFileSync(join(work, 'render.yml'), JSON.stringify([
    { name: 'Render slm_node templates', hosts: 'all', gather_facts: false, roles: ['slm_node_render'] }
  ]))
  return await run(requireTool('ansible-playbook'),
    ['-i', join(work, 'inventory.json'), '--limit', input.host, join(work, 'render.yml')],
    { cwd: work, env: ansibleEnv({ ANSIBLE_ROLES_PATH: join(work, 'roles') }) })
}
