/**
 * Issue 5 end to end with four real daemons on 127.0.0.1 and real git repos in temp dirs: n1-n3
 * are code-source candidates (each on its own clone of one repo), n4 is not. The election
 * survives kill -9, a restart and a partition; a hook-installed repo announces commits; code
 * sync rolls commits out by role, all at once and rolling, and a failing health check on the
 * second node of a rolling deploy swaps it back and halts the rest. Rollback, pause and resume
 * are operator commands; a node that was down during a rollout catches up when it returns; a
 * bundle that is not the requested commit is rejected and changes nothing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ControlClient } from '../../node/control/index.js'
import { startFleet, type Fleet } from '../helpers/index.js'
import { converge } from '../helpers/measure.js'
import { cloneRepo, commit, git, makeRepo, tempDir } from '../node/code/fixture.js'
import { testConfig } from './test-config.js'
import { RETAINED_COMMITS } from '../../node/code/manager.js'

const HEARTBEAT_MS = 500
/** The manager's lease: 3 heartbeats, at least 3 s. */
const LEASE_MS = Math.max(3 * HEARTBEAT_MS, 3000)
const ALL = ['n1', 'n2', 'n3', 'n4']

let fleet: Fleet
const clones: string[] = []

const cli = async (args: string[], on = 'n1'): Promise<{ code: number, stdout: string, stderr: string, json: any }> =>
  await fleet.slm([...args, '--key', fleet.operatorKey], { dir: on, timeoutMs: 240_000 })
const json = async (args: string[], on: string): Promise<any> => {
  const r = await fleet.slm(args, { dir: on, json: true })
  if (r.code !== 0) throw new Error(`slm ${args.join(' ')} on ${on} exited ${r.code}: ${r.stderr}`)
  return r.json
}
const nameOf = (id: string): string => fleet.nodes.find(n => n.nodeId === id)?.name ?? id

/** The holder every listed node agrees on, or null while they disagree or see none. */
async function agreedHolder (names: string[]): Promise<{ holder: string, term: number, expiresAt: number } | null> {
  const views = await Promise.all(names.map(async n => await json(['code-source'], n)))
  const h = views[0].holder
  return h != null && views.every(v => v.holder === h && v.term === views[0].term) ? views[0] : null
}

/** Asserts that `check` holds on every poll for `ms` (a bounded observation, not a sleep). */
async function holdsFor (ms: number, check: () => Promise<void>): Promise<void> {
  const until = Date.now() + ms
  for (let i = 0; i < 1000 && Date.now() < until; i++) await check()
}

async function block (on: string, peers: string[]): Promise<void> {
  const client = await ControlClient.connect(join(fleet.node(on).dir, 'control.sock'))
  try {
    await client.call('test.block', { peers })
  } finally {
    client.close()
  }
}

beforeAll(async () => {
  // test.block is refused unless the daemon runs with SLM_TEST_HOOKS=1; daemons inherit our env.
  process.env.SLM_TEST_HOOKS = '1'
  const origin = makeRepo()
  commit(origin, { 'app/version.txt': 'v0\n', 'docs/README': 'docs\n' }, 'initial')
  for (let i = 0; i < 3; i++) clones.push(cloneRepo(origin))
  fleet = await startFleet({
    n: 4,
    heartbeatIntervalMs: HEARTBEAT_MS,
    extraArgs: ['--config', testConfig()],
    codeSourceRepo: (_name, i) => clones[i]
  })
  await converge(fleet, 120_000)
  const r = await cli(['admit', '--all-discovered', '--wait', '60'])
  expect(r.code, r.stderr).toBe(0)
  await fleet.waitFor(async () => (await fleet.nodesOf('n1')).every((n: any) => n.state === 'online'), { timeoutMs: 60_000, what: 'every node online' })
}, 240_000)

afterAll(async () => { await fleet?.stop() }, 60_000)

// A daemon that died unasked fails the test it died in, with its log tail.
afterEach(() => {
  expect(fleet.crashes.map(c => `${c.name} exited ${String(c.code ?? c.signal)}:\n${c.log}`)).toEqual([])
})

describe('code-source election', () => {
  it('one holder; kill -9 moves it within the lease; a restarted old holder does not take it back; a healed partition leaves one', async () => {
    const first = await fleet.waitFor(async () => await agreedHolder(ALL), { timeoutMs: 60_000, intervalMs: 500, what: 'one holder seen by all' })
    const view = await json(['code-source'], 'n4')
    expect(view.candidates.map((c: any) => c.name).sort()).toEqual(['n1', 'n2', 'n3'])
    expect(view.expiresAt).toBeGreaterThan(Date.now() - 5000)

    // kill -9 the holder: another candidate holds within the lease time (plus detection slack
    // for a loaded 2-core box), with a higher term.
    const old = nameOf(first.holder)
    const rest = ALL.filter(n => n !== old)
    const killedAt = Date.now()
    await fleet.kill(old, 'SIGKILL')
    const second = await fleet.waitFor(async () => {
      const h = await agreedHolder(rest)
      return h != null && h.holder !== first.holder ? h : null
    }, { timeoutMs: 60_000, intervalMs: 200, what: 'a new holder after kill -9' })
    const tookMs = Date.now() - killedAt
    console.log(`code-source moved ${tookMs} ms after kill -9 (lease ${LEASE_MS} ms)`)
    expect(second.term).toBeGreaterThan(first.term)
    expect(tookMs).toBeLessThan(LEASE_MS + 10_000)

    // The old holder comes back: it learns the new holder and leaves it alone.
    await fleet.start(old)
    await fleet.waitFor(async () => (await agreedHolder(ALL))?.holder === second.holder, { timeoutMs: 60_000, intervalMs: 300, what: `${old} to see the new holder` })
    await holdsFor(2 * LEASE_MS, async () => {
      const h = await agreedHolder(ALL)
      if (h != null) expect({ holder: nameOf(h.holder), term: h.term }).toEqual({ holder: nameOf(second.holder), term: second.term })
    })

    // Partition: the holder and n4 on one side, the other two candidates on the other. Each side
    // elects (or keeps) its own holder; after healing, exactly one is left, with the higher term.
    const sideA = [nameOf(second.holder), 'n4']
    const sideB = ALL.filter(n => !sideA.includes(n))
    await Promise.all([...sideA.map(async n => { await block(n, sideB) }), ...sideB.map(async n => { await block(n, sideA) })])
    const split = await fleet.waitFor(async () => {
      const b = await agreedHolder(sideB)
      return b != null && b.holder !== second.holder ? b : null
    }, { timeoutMs: 60_000, intervalMs: 300, what: 'the cut-off side to elect its own holder' })
    expect(split.term).toBeGreaterThan(second.term)
    expect((await agreedHolder(sideA))?.holder).toBe(second.holder)

    await Promise.all(ALL.map(async n => { await block(n, []) }))
    const healed = await fleet.waitFor(async () => await agreedHolder(ALL), { timeoutMs: 60_000, intervalMs: 300, what: 'one holder after the partition heals' })
    expect(healed.term).toBeGreaterThanOrEqual(split.term)
    await holdsFor(2 * LEASE_MS, async () => {
      const views = await Promise.all(ALL.map(async n => await json(['code-source'], n)))
      expect(new Set(views.map(v => v.holder)).size).toBe(1)
    })
  }, 300_000)
})

describe('git hook and code distribution', () => {
  let holder: string
  let repo: string
  const shas: Record<string, string> = {}

  const roleFile = (): string => {
    const f = join(tempDir(), 'app.yaml')
    // The check fails only where the release carries BREAK and the node has a BREAK_HERE marker
    // in its state dir (checks run there), so one commit can break exactly one node. The pre-sync
    // command runs in releases/<sha>: it is slow only on a node with SLOW_HERE in its state dir.
    writeFileSync(f, [
      'name: app',
      'source_paths: [app]',
      'target_path: roles/app',
      'auto_restart: true',
      'systemd_services: [slm-test-app.service]',
      'pre_sync_command: "test ! -e ../../../../SLOW_HERE || sleep 6"',
      'post_sync_command: "test -f app/version.txt"',
      'health_checks:',
      '  - kind: command',
      '    command: "test ! -e roles/app/current/app/BREAK -o ! -e BREAK_HERE"',
      ''
    ].join('\n'))
    return f
  }
  const currentSha = (name: string, role = 'app'): string | null => {
    try { return readlinkSync(join(fleet.node(name).dir, 'roles', role, 'current')).split('/').pop() ?? null } catch { return null }
  }
  const releases = (name: string, role = 'app'): string[] => {
    const dir = join(fleet.node(name).dir, 'roles', role, 'releases')
    return existsSync(dir) ? readdirSync(dir).sort() : []
  }
  const statusOf = async (on: string, role = 'app'): Promise<any> => (await json(['code', 'status', '--role', role], on)).roles[0]
  /** Waits until `on` sees every listed node of `role` running `sha`. */
  const inSync = async (on: string, sha: string, names: string[], role = 'app', timeoutMs = 120_000): Promise<any> =>
    await fleet.waitFor(async () => {
      const st = await statusOf(on, role)
      return names.every(n => st.nodes.find((x: any) => x.nodeName === n)?.running === sha) ? st : null
    }, { timeoutMs, intervalMs: 500, what: `${names.join(', ')} running ${sha.slice(0, 12)} (${role}) as ${on} sees it` })
  const version = (name: string): string => readFileSync(join(fleet.node(name).dir, 'roles', 'app', 'current', 'app', 'version.txt'), 'utf8').trim()

  beforeAll(async () => {
    const h = await fleet.waitFor(async () => await agreedHolder(ALL), { timeoutMs: 60_000, what: 'one holder' })
    holder = nameOf(h.holder)
    repo = clones[fleet.node(holder).index]
    expect((await cli(['role', 'define', roleFile(), '--wait', '30'])).code).toBe(0)
    const r = await cli(['role', 'assign', 'app', ...ALL, '--wait', '30'])
    expect(r.code, r.stderr).toBe(0)
    await fleet.waitFor(async () => {
      const views = await Promise.all(ALL.map(async n => await fleet.nodesOf(n)))
      return views.every(v => v.length === 4 && v.every((x: any) => x.roles.includes('app')))
    }, { timeoutMs: 30_000, what: 'role app assigned on every replica' })
  }, 120_000)

  it('hook install in the holder\'s repo: a git commit is announced and listed on every node', async () => {
    const r = await fleet.slm(['hook', 'install', '--repo', repo, '--json'], { dir: holder })
    expect(r.code, r.stderr).toBe(0)
    expect(r.json.changed).toEqual(['post-commit', 'post-merge'])
    expect((await fleet.slm(['hook', 'install', '--repo', repo, '--json'], { dir: holder })).json.changed).toEqual([])

    // The holder announces HEAD once per term it takes; this commit reaches the log only through
    // the hook's `slm code notify`.
    shas.c1 = commit(repo, { 'app/version.txt': 'v1\n' }, 'app: v1')
    for (const n of ALL) {
      const entry = await fleet.waitFor(async () => (await json(['code', 'log'], n)).find((c: any) => c.sha === shas.c1), { timeoutMs: 30_000, what: `c1 in the code log of ${n}` })
      expect(entry).toMatchObject({ branch: 'main', author: 'Ada Test <ada@example.test>', message: 'app: v1', changedPaths: ['app/version.txt'], affectedRoles: ['app'] })
    }
    shas.c2 = commit(repo, { 'app/version.txt': 'v2\n' }, 'app: v2')
    shas.c3 = commit(repo, { 'app/version.txt': 'v3\n', 'app/BREAK': 'x\n' }, 'app: v3, breaks where marked')
    await fleet.waitFor(async () => (await json(['code', 'log'], 'n4')).some((c: any) => c.sha === shas.c3), { timeoutMs: 30_000, what: 'c3 announced' })
  }, 120_000)

  it('all at once: every node runs the commit from its own current, and code status says so everywhere', async () => {
    const r = await cli(['code', 'sync', '--role', 'app', '--commit', shas.c1.slice(0, 10), '--wait', '120'])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    for (const n of ALL) {
      expect(currentSha(n)).toBe(shas.c1)
      expect(version(n)).toBe('v1')
    }
    for (const n of ALL) {
      const s = await fleet.waitFor(async () => {
        const st = (await json(['code', 'status', '--role', 'app'], n)).roles[0]
        return st.done === 4 ? st : null
      }, { timeoutMs: 30_000, what: `code status in sync on ${n}` })
      expect(s).toMatchObject({ role: 'app', total: 4, failed: 0, halted: false, desired: { sha: shas.c1, strategy: 'all-at-once' } })
      expect(s.nodes.map((x: any) => [x.nodeName, x.running, x.reason]).sort()).toEqual(ALL.map(x => [x, shas.c1, 'in_sync']))
    }
    // Every byte counted where it went: the others fetched what the holder and their peers served.
    const stats = await Promise.all(ALL.map(async n => (await fleet.status(n)).codeTransfer))
    expect(stats.reduce((a, t) => a + t.fetched, 0)).toBe(ALL.length - 1)
    expect(stats.reduce((a, t) => a + t.fetchedBytes, 0)).toBe(stats.reduce((a, t) => a + t.servedBytes, 0))
    for (const t of stats) expect(t.active).toEqual([])
    const other = ALL.find(n => n !== holder)!
    const human = await fleet.slm(['status'], { dir: other })
    expect(human.stdout).toMatch(/code transfer:\s+served \d+ \([\d.]+ MiB\), fetched 1 \([\d.]+ MiB\) since start/)
  }, 240_000)

  it('rolling: one node at a time in node id order, all end on the commit', async () => {
    const r = await cli(['code', 'sync', '--role', 'app', '--commit', shas.c2, '--strategy', 'rolling', '--wait', '180'])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    for (const n of ALL) expect(version(n)).toBe('v2')
    // Each node exported its release only after the one before it was applied and healthy.
    const byId = [...fleet.nodes].sort((a, b) => a.nodeId < b.nodeId ? -1 : 1)
    const exported = byId.map(n => statSync(join(n.dir, 'roles', 'app', 'releases', shas.c2)).mtimeMs)
    expect(exported).toEqual([...exported].sort((a, b) => a - b))
  }, 240_000)

  it('a failing health check on the second node: it swaps back, nodes 3-4 are untouched, the rollout halts as failed', async () => {
    const byId = [...fleet.nodes].sort((a, b) => a.nodeId < b.nodeId ? -1 : 1).map(n => n.name)
    const [one, two, three, four] = byId
    writeFileSync(join(fleet.node(two).dir, 'BREAK_HERE'), '')
    const r = await cli(['code', 'sync', '--role', 'app', '--commit', shas.c3, '--strategy', 'rolling', '--wait', '180'])
    expect(r.code, r.stdout + r.stderr).toBe(1)
    expect(r.stderr).toMatch(new RegExp(`failed: ${two}`))

    expect(currentSha(one)).toBe(shas.c3)
    expect(currentSha(two)).toBe(shas.c2)
    expect(existsSync(join(fleet.node(two).dir, 'roles', 'app', 'releases', shas.c3))).toBe(true) // it did try
    for (const n of [three, four]) {
      expect(currentSha(n)).toBe(shas.c2)
      expect(existsSync(join(fleet.node(n).dir, 'roles', 'app', 'releases', shas.c3))).toBe(false)
    }
    const s = await fleet.waitFor(async () => {
      const st = (await json(['code', 'status', '--role', 'app'], four)).roles[0]
      return st.halted === true && st.nodes.find((x: any) => x.nodeName === two).reason === 'rolled_back' ? st : null
    }, { timeoutMs: 30_000, what: 'the halted rollout in code status' })
    const reasons = Object.fromEntries(s.nodes.map((x: any) => [x.nodeName, [x.running, x.attempted, x.reason]]))
    expect(reasons[one]).toEqual([shas.c3, shas.c3, 'in_sync'])
    expect(reasons[two]).toEqual([shas.c2, shas.c3, 'rolled_back'])
    expect(reasons[three][2]).toBe('halted')
    expect(reasons[four][2]).toBe('halted')
    expect(s.failed).toBe(1)
  }, 240_000)

  it('a code sync signed by a viewer is rejected and changes nothing', async () => {
    const viewerKey = join(fleet.root, 'viewer.key')
    const viewerPub = /ed25519:\S+/.exec((await fleet.slm(['keygen', '--out', viewerKey])).stdout)![0]
    expect((await cli(['trust', 'add', viewerPub, '--role', 'viewer', '--name', 'vera', '--wait', '20'])).code).toBe(0)
    await fleet.waitFor(async () => ((await json(['trust', 'list'], 'n2')) as any[]).some(t => t.name === 'vera'), { timeoutMs: 20_000, what: 'viewer trusted on n2' })
    const r = await fleet.slm(['code', 'sync', '--role', 'app', '--commit', shas.c1, '--key', viewerKey], { dir: 'n2' })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/viewer/)
    for (const n of ALL) expect((await json(['code', 'status', '--role', 'app'], n)).roles[0].desired.sha).toBe(shas.c3)
  }, 120_000)

  it('code rollback --role: the fleet goes back to the previous desired commit', async () => {
    const r = await cli(['code', 'rollback', '--role', 'app', '--wait', '30'])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    for (const n of ALL) {
      const desired = await fleet.waitFor(async () => {
        const d = (await statusOf(n)).desired
        return d?.sha === shas.c2 ? d : null
      }, { timeoutMs: 30_000, what: `the rollback on ${n}` })
      expect(desired).toMatchObject({ sha: shas.c2, previous: shas.c3, paused: false })
    }
    const st = await inSync('n4', shas.c2, ALL)
    expect(st).toMatchObject({ done: 4, failed: 0, halted: false })
    for (const n of ALL) {
      expect(currentSha(n)).toBe(shas.c2)
      expect(version(n)).toBe('v2')
    }
  }, 180_000)

  it('code pause --role stops a rolling deploy after the node in flight; resume finishes it', async () => {
    const byId = [...fleet.nodes].sort((a, b) => a.nodeId < b.nodeId ? -1 : 1).map(n => n.name)
    const [one, ...rest] = byId
    rmSync(join(fleet.node(byId[1]).dir, 'BREAK_HERE'), { force: true })
    shas.c4 = commit(repo, { 'app/version.txt': 'v4\n' }, 'app: v4')
    // The first node's pre-sync takes 6 s: time enough for the pause to reach everyone.
    writeFileSync(join(fleet.node(one).dir, 'SLOW_HERE'), '')
    try {
      const r = await cli(['code', 'sync', '--role', 'app', '--commit', shas.c4, '--strategy', 'rolling'])
      expect(r.code, r.stdout + r.stderr).toBe(0)
      const p = await cli(['code', 'pause', '--role', 'app', '--wait', '30'])
      expect(p.code, p.stdout + p.stderr).toBe(0)
      // The first node was already deploying: it finishes. Nobody after it starts.
      await inSync('n4', shas.c4, [one], 'app', 60_000)
      await holdsFor(3000, async () => {
        const st = await statusOf('n4')
        expect(st.desired).toMatchObject({ sha: shas.c4, paused: true })
        for (const n of rest) {
          expect(currentSha(n)).toBe(shas.c2)
          expect(st.nodes.find((x: any) => x.nodeName === n).reason).toBe('paused')
        }
      })
      for (const n of rest) expect(releases(n)).not.toContain(shas.c4)
    } finally {
      rmSync(join(fleet.node(one).dir, 'SLOW_HERE'), { force: true })
    }
    const r = await cli(['code', 'resume', '--role', 'app', '--wait', '30'])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    const st = await inSync('n4', shas.c4, ALL)
    expect(st).toMatchObject({ done: 4, halted: false, desired: { sha: shas.c4, paused: false } })
    for (const n of ALL) expect(version(n)).toBe('v4')
  }, 240_000)

  it('a node that was down during a rollout converges to the desired commit when it returns', async () => {
    const down = ALL.find(n => n !== holder && n !== 'n1')!
    const up = ALL.filter(n => n !== down)
    shas.c5 = commit(repo, { 'app/version.txt': 'v5\n' }, 'app: v5')
    await fleet.kill(down, 'SIGKILL')
    await fleet.waitFor(async () => (await fleet.nodesOf('n1')).find((x: any) => x.name === down)?.liveness !== 'alive',
      { timeoutMs: 30_000, what: `n1 to see ${down} down` })
    const r = await cli(['code', 'sync', '--role', 'app', '--commit', shas.c5, '--wait', '120'])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    for (const n of up) expect(version(n)).toBe('v5')
    expect(currentSha(down)).toBe(shas.c4)
    const st = await statusOf('n1')
    expect(st.nodes.find((x: any) => x.nodeName === down)).toMatchObject({ running: shas.c4, reason: 'offline' })

    await fleet.start(down)
    await inSync('n1', shas.c5, ALL)
    expect(currentSha(down)).toBe(shas.c5)
    expect(version(down)).toBe('v5')
    await inSync(down, shas.c5, ALL, 'app', 30_000)
  }, 240_000)

  it('a bundle whose content is not the requested commit is rejected: current and releases do not change', async () => {
    // Role web on the three nodes that are not the holder: they can only fetch from the holder
    // (nobody else has applied the new commit), and the holder serves a lying bundle.
    const fetchers = ALL.filter(n => n !== holder)
    const f = join(tempDir(), 'web.yaml')
    writeFileSync(f, 'name: web\nsource_paths: [app]\ntarget_path: roles/web\n')
    expect((await cli(['role', 'define', f, '--wait', '30'])).code).toBe(0)
    expect((await cli(['role', 'assign', 'web', ...fetchers, '--wait', '30'])).code).toBe(0)
    const first = await cli(['code', 'sync', '--role', 'web', '--commit', shas.c2, '--wait', '120'])
    expect(first.code, first.stdout + first.stderr).toBe(0)
    for (const n of fetchers) expect(currentSha(n, 'web')).toBe(shas.c2)

    // The lie: a bundle whose ref is named for c6 but holds c5, where the holder keeps c6's bundle.
    // The hook announces c6 and the holder packs its bundle ahead of any fetcher: the lie goes
    // over that once it is there, so the holder's own pack cannot land after it.
    shas.c6 = commit(repo, { 'app/version.txt': 'v6\n' }, 'app: v6')
    const planted = join(fleet.node(holder).dir, 'code', 'bundles', `${shas.c6}.bundle`)
    await fleet.waitFor(() => existsSync(planted), { timeoutMs: 30_000, what: 'the holder to pack the announced commit ahead' })
    const liar = makeRepo()
    git(liar, ['fetch', '-q', repo, `${shas.c5}:refs/slm/${shas.c6}`])
    mkdirSync(join(planted, '..'), { recursive: true })
    git(liar, ['bundle', 'create', `${planted}.lie`, `refs/slm/${shas.c6}`])
    renameSync(`${planted}.lie`, planted)
    const rejections = async (n: string): Promise<number> => (await fleet.status(n)).rejections?.code_bad_bundle ?? 0
    const before = Object.fromEntries(await Promise.all(fetchers.map(async n => [n, await rejections(n)] as const)))
    const releasesBefore = Object.fromEntries(fetchers.map(n => [n, releases(n, 'web')]))

    const r = await cli(['code', 'sync', '--role', 'web', '--commit', shas.c6])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    for (const n of fetchers) {
      await fleet.waitFor(async () => await rejections(n) > before[n], { timeoutMs: 60_000, what: `${n} to reject the lying bundle` })
    }
    await holdsFor(2000, async () => {
      const st = await statusOf('n4', 'web')
      for (const n of fetchers) {
        expect(currentSha(n, 'web')).toBe(shas.c2)
        expect(releases(n, 'web')).toEqual(releasesBefore[n])
        expect(existsSync(join(fleet.node(n).dir, 'code', 'bundles', `${shas.c6}.bundle`))).toBe(false)
        expect(st.nodes.find((x: any) => x.nodeName === n)).toMatchObject({ running: shas.c2, reason: 'fetching' })
      }
    })
    for (const n of fetchers) {
      expect(git(join(fleet.node(n).dir, 'code', 'cache.git'), ['for-each-ref', '--format=%(refname)'])).not.toContain(shas.c6)
      expect(version(n)).toBe('v5') // role app untouched
    }

    // The holder's bundle is honest again: the same rollout completes from it.
    rmSync(planted)
    await inSync('n4', shas.c6, fetchers, 'web')
    for (const n of fetchers) {
      expect(currentSha(n, 'web')).toBe(shas.c6)
      expect(readFileSync(join(fleet.node(n).dir, 'roles', 'web', 'current', 'app', 'version.txt'), 'utf8')).toBe('v6\n')
    }
  }, 300_000)

  it('a node keeps the newest RETAINED_COMMITS fetched commits plus what its roles run: older bundles and cached trees go', async () => {
    // Six commits went through this suite. The holder made a bundle of each; c1 is the oldest and
    // no role runs it any more, so it went from the holder's bundles and cache.
    const bundles = (n: string): string[] => {
      const dir = join(fleet.node(n).dir, 'code', 'bundles')
      return existsSync(dir) ? readdirSync(dir).filter(f => /^[0-9a-f]{40}\.bundle$/.test(f)).map(f => f.slice(0, 40)) : []
    }
    const cacheOf = (n: string): string => join(fleet.node(n).dir, 'code', 'cache.git')
    const cached = (n: string): string[] => git(cacheOf(n), ['for-each-ref', '--format=%(refname)', 'refs/slm/']).split('\n').filter(Boolean).map(r => r.slice('refs/slm/'.length))
    await fleet.waitFor(() => !bundles(holder).includes(shas.c1) && !cached(holder).includes(shas.c1), { timeoutMs: 30_000, what: `${holder} to drop c1` })
    for (const n of ALL) {
      const pinned = new Set([currentSha(n, 'app'), existsSync(join(fleet.node(n).dir, 'roles', 'web')) ? currentSha(n, 'web') : null].filter(s => s != null))
      expect(bundles(n).length).toBeLessThanOrEqual(RETAINED_COMMITS + pinned.size)
      for (const sha of cached(n)) expect(bundles(n).includes(sha) || pinned.has(sha), `${n} caches ${sha.slice(0, 12)}`).toBe(true)
      git(cacheOf(n), ['fsck', '--no-dangling'])
    }
  }, 60_000)
})
