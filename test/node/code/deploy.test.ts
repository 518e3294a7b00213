import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { RoleDefinition } from '../../../protocol/types.js'
import { deployRole, type DeployComponents } from '../../../node/code/deploy.js'
import { createBundle, ensureCacheRepo, importBundle } from '../../../node/code/git.js'
import { runningSha } from '../../../node/code/release.js'
import { runShell } from '../../../node/exec/index.js'
import { validateRole } from '../../../node/roles/index.js'
import { commit, makeRepo, tempDir } from './fixture.js'

let repo: string
let v1: string
let v2: string

beforeAll(() => {
  repo = makeRepo()
  v1 = commit(repo, { 'app/version.txt': 'one\n', 'other/x': 'x\n' }, 'v1')
  v2 = commit(repo, { 'app/version.txt': 'two\n' }, 'v2')
})

const role = (extra: Record<string, unknown> = {}): RoleDefinition => validateRole({ name: 'app', source_paths: ['app'], target_path: 'roles/app', ...extra })

/** Real cache and shell; `obtain` imports a bundle from the fixture repo, as a peer's would be. */
function components (stateDir: string, over: Partial<DeployComponents> = {}): DeployComponents & { log: string[] } {
  const cache = join(stateDir, 'code', 'cache.git')
  const log: string[] = []
  return {
    log,
    stateDir,
    cacheRepo: cache,
    obtain: async (sha) => {
      log.push(`obtain ${sha.slice(0, 7)}`)
      await ensureCacheRepo(cache)
      const b = join(stateDir, 'code', `${sha}.bundle`)
      await createBundle(repo, sha, b)
      await importBundle(cache, b, sha)
    },
    run: async (command, cwd) => { log.push(`run ${command}`); return await runShell(command, { cwd, timeoutMs: 30_000 }) },
    restart: async (r) => { log.push(`restart ${r.name}`); return { ok: true, output: '' } },
    check: async () => { log.push('check'); return { ok: true, detail: '' } },
    ...over
  }
}

const target = (stateDir: string): string => join(stateDir, 'roles', 'app')
const current = (stateDir: string, file: string): string => readFileSync(join(target(stateDir), 'current', 'app', file), 'utf8')

describe('deployRole', () => {
  it('applies: the role\'s files at the commit under current, pre/post in order, restart, check', async () => {
    const dir = tempDir()
    const c = components(dir)
    const r = role({ pre_sync_command: 'test -f app/version.txt', post_sync_command: 'echo post > ../post-ran', auto_restart: true, systemd_services: ['app.service'] })
    expect(await deployRole(r, v1, c)).toEqual({ status: 'applied', running: v1 })
    expect(current(dir, 'version.txt')).toBe('one\n')
    expect(existsSync(join(target(dir), 'current', 'other'))).toBe(false)
    expect(c.log).toEqual([`obtain ${v1.slice(0, 7)}`, 'run test -f app/version.txt', 'run echo post > ../post-ran', 'restart app', 'check'])
    expect(existsSync(join(target(dir), 'releases', 'post-ran'))).toBe(true) // post-sync runs in the release dir

    expect(await deployRole(r, v2, c)).toEqual({ status: 'applied', running: v2 })
    expect(current(dir, 'version.txt')).toBe('two\n')
  })

  it('an existing release is not fetched again', async () => {
    const dir = tempDir()
    const c = components(dir)
    await deployRole(role(), v1, c)
    await deployRole(role(), v2, c)
    c.log.length = 0
    expect(await deployRole(role(), v1, c)).toEqual({ status: 'applied', running: v1 })
    expect(c.log).toEqual(['check'])
  })

  it('a failed health check swaps back to the previous release and restarts it', async () => {
    const dir = tempDir()
    let healthy = true
    const c = components(dir, { check: async () => ({ ok: healthy, detail: healthy ? '' : 'port 80 closed' }) })
    const r = role({ auto_restart: true, systemd_services: ['app.service'] })
    await deployRole(r, v1, c)
    healthy = false
    c.log.length = 0
    const out = await deployRole(r, v2, c)
    expect(out).toMatchObject({ status: 'rolled_back', running: v1 })
    expect(out.status !== 'applied' && out.reason).toMatch(/health check failed: port 80 closed/)
    expect(await runningSha(target(dir))).toBe(v1)
    expect(current(dir, 'version.txt')).toBe('one\n')
    expect(c.log.filter(l => l.startsWith('restart'))).toHaveLength(2) // the new one, then the old one again
  })

  it('a failed post-sync command rolls back too', async () => {
    const dir = tempDir()
    const c = components(dir)
    await deployRole(role(), v1, c)
    const out = await deployRole(role({ post_sync_command: 'echo broken >&2; exit 3' }), v2, c)
    expect(out).toMatchObject({ status: 'rolled_back', running: v1 })
    expect(out.status !== 'applied' && out.reason).toMatch(/post-sync command failed: broken/)
  })

  it('a failed pre-sync command leaves current untouched', async () => {
    const dir = tempDir()
    const c = components(dir)
    await deployRole(role(), v1, c)
    const out = await deployRole(role({ pre_sync_command: 'exit 1' }), v2, c)
    expect(out).toMatchObject({ status: 'failed', running: v1 })
    expect(await runningSha(target(dir))).toBe(v1)
  })

  it('a commit that cannot be obtained fails without touching current', async () => {
    const dir = tempDir()
    const c = components(dir)
    await deployRole(role(), v1, c)
    const out = await deployRole(role(), v2, { ...c, obtain: async () => { throw Object.assign(new Error('no peer has it'), { code: 'ERR_FETCH' }) } })
    expect(out).toMatchObject({ status: 'failed', running: v1 })
    expect(out.status !== 'applied' && out.reason).toMatch(/no peer has it/)
    expect(existsSync(join(target(dir), 'releases', v2))).toBe(false)
  })

  it('a failed check on the first release has nothing to go back to: failed, reported as running it', async () => {
    const dir = tempDir()
    const c = components(dir, { check: async () => ({ ok: false, detail: 'nope' }) })
    expect(await deployRole(role(), v1, c)).toMatchObject({ status: 'failed', running: v1 })
  })

  it('an absolute target path is used as is', async () => {
    const dir = tempDir()
    const abs = join(tempDir(), 'srv', 'app')
    await deployRole(role({ target_path: abs }), v1, components(dir))
    expect(await runningSha(abs)).toBe(v1)
    writeFileSync(join(dir, 'x'), '') // the state dir got no roles/ dir
    expect(existsSync(join(dir, 'roles'))).toBe(false)
  })
})
