/**
 * Issue 7, "Package": the `npm pack` tarball installs with `npm install --omit=dev` into a temp
 * prefix and runs with nothing but Node — no TypeScript compiler, no dev dependencies, no sources —
 * and the installed `slm` reports package.json's version, makes a node and runs a daemon.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run, spawnTracked, terminate, waitFor, type RunResult } from '../helpers/index.js'
import { packTarball } from '../helpers/pack.js'
import { repoRoot } from '../helpers/slm.js'
import { testConfig } from '../integration/test-config.js'

const pkg = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string, devDependencies: Record<string, string> }

let work: string
let tarball: string
let prefix: string
/** PATH with only Node and the base system: no repo toolchain (tsc, vitest) on it. */
let env: NodeJS.ProcessEnv
let install: RunResult

const slm = async (args: string[], timeoutMs = 30_000): Promise<RunResult> =>
  await run(join(prefix, 'bin', 'slm'), args, { env, timeoutMs })

beforeAll(async () => {
  const npm = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim()
  if (npm === '') throw new Error('npm is not installed; this test packs and installs for real (apt-get install -y npm)')
  work = mkdtempSync(join(tmpdir(), 'slm-pack-'))
  prefix = join(work, 'prefix')
  const bin = join(work, 'bin')
  mkdirSync(bin)
  symlinkSync(process.execPath, join(bin, 'node'))
  env = { HOME: work, PATH: `${bin}:/usr/bin:/bin`, npm_config_update_notifier: 'false' }
  tarball = await packTarball(npm, join(work, 'pack'))
  // The user's npm config (registry, cache) applies; --prefer-offline asks the registry only for
  // what the cache lacks.
  install = await run(npm, ['install', '--global', '--prefix', prefix, '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', tarball],
    { env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` }, timeoutMs: 300_000 })
}, 320_000)

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true })
})

describe('the npm pack tarball', () => {
  it('carries the built JS, and no TypeScript sources, tests or tsconfig', () => {
    const r = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    const files = r.stdout.trim().split('\n')
    expect(files).toContain('package/dist/node/cli/main.js')
    expect(files).toContain('package/package.json')
    expect(files.filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'))).toEqual([])
    expect(files.filter((f) => f.startsWith('package/dist/test/') || f.startsWith('package/test/'))).toEqual([])
    expect(files).not.toContain('package/tsconfig.json')
  })

  it('installs into a temp prefix with --omit=dev, without any dev dependency', () => {
    expect(install.code, install.stdout + install.stderr).toBe(0)
    const modules = join(prefix, 'lib', 'node_modules')
    expect(existsSync(join(modules, 'slm', 'dist', 'node', 'cli', 'main.js'))).toBe(true)
    const devInstalled = Object.keys(pkg.devDependencies).filter((d) =>
      existsSync(join(modules, d)) || existsSync(join(modules, 'slm', 'node_modules', d)))
    expect(devInstalled).toEqual([])
  })

  it('gives an slm whose --version matches package.json', async () => {
    const r = await slm(['--version'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.trim()).toBe(pkg.version)
  })

  it('the installed slm makes a node, and its daemon starts and answers slm status', async () => {
    const dir = join(work, 'state')
    const init = await slm(['init', '--dir', dir, '--new-fleet', '--name', 'packed', '--json'])
    expect(init.code, init.stderr).toBe(0)
    expect(existsSync(join(dir, 'node.key'))).toBe(true)
    const daemon = spawnTracked(join(prefix, 'bin', 'slm'),
      ['daemon', '--dir', dir, '--config', testConfig(), '--listen', '/ip4/127.0.0.1/tcp/0', '--log-level', 'warn'],
      { env, stdio: 'ignore' })
    try {
      const status = await waitFor(async () => {
        if (daemon.exitCode !== null) throw new Error(`the installed daemon exited with ${daemon.exitCode}`)
        const r = await slm(['status', '--dir', dir, '--json'], 15_000)
        return r.code === 0 ? r.json : null
      }, { timeoutMs: 60_000, intervalMs: 500, what: 'the installed daemon to answer slm status' })
      expect(status).toMatchObject({ name: 'packed', version: pkg.version, nodeId: init.json.nodeId })
      expect(status.listenAddrs.some((a: string) => a.startsWith('/ip4/127.0.0.1/tcp/'))).toBe(true)
    } finally {
      await terminate(daemon, 5000)
    }
  }, 90_000)
})
