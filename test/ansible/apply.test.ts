/**
 * Issue 7: the roles applied for real, with `ansible_connection=local` to 127.0.0.1, into a temp
 * prefix and state dir (no system user, no systemd: this may run in a container), from the
 * tarball `npm pack` makes. Afterwards the installed `slm` runs and matches package.json, `slm
 * init` has made a node key, and a second apply changes nothing and keeps that key.
 */
import { generateKeyPairSync } from 'node:crypto'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../node/config/index.js'
import { packTarball } from '../helpers/pack.js'
import {
  ANSIBLE_DIR, ROOT, ansibleEnv, changedTasks, newFleetKey, parseRecap, requireTool, run, tempDir
} from './helpers.js'
import type { RunResult } from './helpers.js'

const HOST = '127.0.0.1'
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
/** Node >= 22 (this test's own); the system one may be older, and the role must not replace it. */
const nodeBinDir = dirname(process.execPath)
const envWithNode = { ...process.env, PATH: `${nodeBinDir}:${process.env.PATH ?? ''}` }

let work: string
let prefix: string
let state: string
let configDir: string
let repo: string
let inventoryFile: string
let fleetKey: string
let adminPubkey: string
let firstApply: RunResult

function operatorPubkey (): string {
  const { publicKey } = generateKeyPairSync('ed25519')
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)
  return `ed25519:${raw.toString('base64url')}`
}

async function apply (): Promise<RunResult> {
  return await run(requireTool('ansible-playbook'), ['-i', inventoryFile, 'playbooks/site.yml'],
    { cwd: ANSIBLE_DIR, env: ansibleEnv({ PATH: envWithNode.PATH }) })
}

function recapFor (r: RunResult): ReturnType<typeof parseRecap> extends Map<string, infer V> ? V : never {
  const line = parseRecap(r.stdout).get(HOST)
  if (line == null) throw new Error(`no PLAY RECAP line for ${HOST}:\n${r.stdout}\n${r.stderr}`)
  return line
}

beforeAll(async () => {
  requireTool('ansible-playbook')
  requireTool('git')
  const npm = requireTool('npm')
  work = tempDir('apply')
  prefix = join(work, 'prefix')
  state = join(work, 'state')
  configDir = join(work, 'etc')
  repo = join(work, 'code')
  fleetKey = newFleetKey()
  adminPubkey = operatorPubkey()

  // The tarball holds the built JS and no TypeScript (test/package/tarball.test.ts checks that).
  const tarballPath = await packTarball(npm, join(work, 'pack'), envWithNode)

  inventoryFile = join(work, 'inventory.json')
  writeFileSync(inventoryFile, JSON.stringify({
    all: {
      vars: {
        ansible_connection: 'local',
        slm_become: false,
        slm_manage_user: false,
        slm_manage_systemd: false,
        slm_package_tarball: tarballPath,
        slm_package_cache_dir: join(work, 'cache'),
        slm_install_prefix: prefix,
        slm_state_dir: state,
        slm_config_dir: configDir,
        slm_node_executable: process.execPath,
        slm_npm_executable: npm,
        slm_npm_extra_args: ['--prefer-offline'],
        slm_fleet_key: fleetKey,
        slm_admin_pubkeys: [adminPubkey],
        slm_tags: ['ci'],
        slm_restartable_units: ['nginx']
      },
      children: {
        fleet: { hosts: { [HOST]: {} } },
        code_source: { hosts: { [HOST]: {} }, vars: { slm_code_source_repo: repo } }
      }
    }
  }))
  firstApply = await apply()
}, 600_000)

describe('site.yml applied to 127.0.0.1 into a temp prefix', () => {
  it('succeeds and changes the host', () => {
    expect(firstApply.code, firstApply.stdout + firstApply.stderr).toBe(0)
    const recap = recapFor(firstApply)
    expect(recap.failed).toBe(0)
    expect(recap.changed).toBeGreaterThan(0)
  })

  it('installs an slm whose --version matches package.json', async () => {
    const r = await run(join(prefix, 'bin', 'slm'), ['--version'], { env: envWithNode })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.trim()).toBe(pkg.version)
    // The tarball carries built JS only.
    expect(existsSync(join(prefix, 'lib', 'node_modules', 'slm', 'dist', 'node', 'cli', 'main.js'))).toBe(true)
    expect(existsSync(join(prefix, 'lib', 'node_modules', 'slm', 'node', 'cli', 'main.ts'))).toBe(false)
  })

  it('ran slm init: a 0600 node key, the fleet key 0600 and the admin key seeded', () => {
    expect(statSync(join(state, 'node.key')).mode & 0o777).toBe(0o600)
    const fleetFile = join(state, 'fleet.key')
    expect(statSync(fleetFile).mode & 0o777).toBe(0o600)
    expect(readFileSync(fleetFile, 'utf8').trim()).toBe(fleetKey)
    const seed = JSON.parse(readFileSync(join(state, 'init.json'), 'utf8')) as { name: string, adminPubkeys: string[] }
    expect(seed.adminPubkeys).toEqual([adminPubkey])
    expect(seed.name).toBe(HOST)
  })

  it('wrote a config the daemon accepts, naming the code-source repo', () => {
    const config = loadConfig({ file: join(configDir, 'slm.yaml'), env: {} })
    expect(config.dir).toBe(state)
    expect(config.fleetKeyFile).toBe(join(state, 'fleet.key'))
    expect(config.tags).toEqual(['ci'])
    expect(config.codeSource.repo).toBe(repo)
  })

  it('slm_code_source made the repo and installed the commit hooks', () => {
    for (const hook of ['post-commit', 'post-merge']) {
      const file = join(repo, '.git', 'hooks', hook)
      expect(readFileSync(file, 'utf8')).toContain('code notify')
      expect(statSync(file).mode & 0o111).not.toBe(0)
    }
  })

  it('a second apply reports changed=0 and keeps the node key', async () => {
    const keyBefore = readFileSync(join(state, 'node.key'))
    const second = await apply()
    expect(second.code, second.stdout + second.stderr).toBe(0)
    const recap = recapFor(second)
    expect({ changed: recap.changed, failed: recap.failed, tasks: changedTasks(second.stdout) })
      .toEqual({ changed: 0, failed: 0, tasks: [] })
    expect(readFileSync(join(state, 'node.key')).equals(keyBefore)).toBe(true)
  }, 600_000)
})
