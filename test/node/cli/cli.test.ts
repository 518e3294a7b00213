// The CLI as users and scripts meet it: a real `node dist/node/cli/main.js` subprocess.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..')
const MAIN = join(ROOT, 'dist/node/cli/main.js')

interface Run { code: number, stdout: string, stderr: string }

async function slm (args: string[], env: Record<string, string> = {}): Promise<Run> {
  return await new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      const code = err == null ? 0 : typeof err.code === 'number' ? err.code : -1
      resolve({ code, stdout, stderr })
    })
  })
}

let tmp: string
beforeAll(async () => {
  // tsc emits even when other folders have type errors (noEmitOnError is off), so the CLI can be
  // tested while the rest of the tree is mid-edit; the exit status is deliberately ignored.
  await new Promise<void>((resolve) => {
    execFile(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: ROOT }, () => { resolve() })
  })
  if (!existsSync(MAIN)) throw new Error(`build did not produce ${MAIN}`)
  tmp = await mkdtemp(join(tmpdir(), 'slm-cli-'))
})
afterAll(async () => { await rm(tmp, { recursive: true, force: true }) })

describe('slm CLI', () => {
  it('prints package.json\'s version with --version', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    const r = await slm(['--version'])
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toBe(pkg.version)
  })

  it('exits 0 for --help, on the program and on a command', async () => {
    const top = await slm(['--help'])
    expect(top.code).toBe(0)
    expect(top.stdout).toContain('init')
    expect(top.stdout).toContain('keygen')
    const sub = await slm(['init', '--help'])
    expect(sub.code).toBe(0)
    expect(sub.stdout).toContain('--new-fleet')
    expect(sub.stdout).toContain('--dir') // global options are shown on every command
  })

  it('exits 2 with a one-line message for an unknown option', async () => {
    const r = await slm(['--no-such-option'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain('--no-such-option')
  })

  it('exits 2 for an unknown command and for conflicting options', async () => {
    expect((await slm(['frobnicate'])).code).toBe(2)
    const typo = await slm(['intt'])
    expect(typo.code).toBe(2)
    expect(typo.stderr.trim()).toBe("error: unknown command 'intt' (Did you mean init?)")
    const conflict = await slm(['init', '--dir', join(tmp, 'x'), '--new-fleet', '--fleet-key', 'f'])
    expect(conflict.code).toBe(2)
  })

  it('keeps the same node id when slm init runs twice, and says so', async () => {
    const dir = join(tmp, 'node1')
    const first = await slm(['init', '--dir', dir, '--name', 'n1', '--new-fleet'])
    expect(first.code).toBe(0)
    const id = first.stdout.trim()
    expect(id).toMatch(/^12D3KooW\w+$/)
    expect((await stat(dir)).mode & 0o777).toBe(0o700)
    expect((await stat(join(dir, 'node.key'))).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, 'fleet.key'))).mode & 0o777).toBe(0o600)

    const second = await slm(['init', '--json'], { SLM_DIR: dir })
    expect(second.code).toBe(0)
    const json = JSON.parse(second.stdout) as Record<string, unknown>
    expect(json).toMatchObject({ nodeId: id, name: 'n1', dir, fleetKey: join(dir, 'fleet.key'), created: false })

    const third = await slm(['--dir', dir, 'init'])
    expect(third.stdout.trim()).toBe(id)
    expect(third.stderr).toMatch(/already exists.*keeping node id/)
  })

  it('joins a fleet by copying its key with --fleet-key', async () => {
    const a = join(tmp, 'fleet-a')
    const b = join(tmp, 'fleet-b')
    expect((await slm(['init', '--dir', a, '--new-fleet'])).code).toBe(0)
    const r = await slm(['init', '--dir', b, '--fleet-key', join(a, 'fleet.key'), '--json'])
    expect(r.code).toBe(0)
    expect(await readFile(join(b, 'fleet.key'))).toEqual(await readFile(join(a, 'fleet.key')))
  })

  it('exits 1 with the error code when init fails (bad admin key)', async () => {
    const r = await slm(['init', '--dir', join(tmp, 'bad'), '--admin-pubkey', 'nope'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('ERR_INIT_SEED')
  })

  it('writes an operator key with mode 0600 and prints ed25519:…', async () => {
    const out = join(tmp, 'keys', 'op.key')
    const r = await slm(['keygen', '--out', out])
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toMatch(/^ed25519:[A-Za-z0-9_-]{43}$/)
    expect((await stat(out)).mode & 0o777).toBe(0o600)
    expect(await readFile(out, 'utf8')).toContain('PRIVATE KEY')

    const again = await slm(['keygen', '--out', out])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('--force')
    const forced = await slm(['keygen', '--out', out, '--force', '--json'])
    expect(forced.code).toBe(0)
    expect(JSON.parse(forced.stdout)).toMatchObject({ path: out })
    expect(JSON.parse(forced.stdout).publicKey).not.toBe(r.stdout.trim())
  })

  it('accepts a keygen public key as --admin-pubkey', async () => {
    const key = (await slm(['keygen', '--out', join(tmp, 'admin.key')])).stdout.trim()
    const dir = join(tmp, 'with-admin')
    const r = await slm(['init', '--dir', dir, '--admin-pubkey', key, '--json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).adminPubkeys).toEqual([key])
  })

  it('defaults keygen to ~/.config/slm/operator.key', async () => {
    const home = join(tmp, 'home')
    const r = await slm(['keygen'], { HOME: home, XDG_CONFIG_HOME: '' })
    expect(r.code).toBe(0)
    expect((await stat(join(home, '.config/slm/operator.key'))).mode & 0o777).toBe(0o600)
  })
})
