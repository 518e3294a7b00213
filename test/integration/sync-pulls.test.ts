/**
 * Anti-entropy pulls only what gossip missed. A heartbeat that names a seq a moment after the
 * event itself, while receivers are still committing it, is not a missed message; before the
 * daemon knew events on their way into its store, every member pulled it through a sync exchange
 * all the same. Deploys used to beat right after their report and so hit this every time (60-80
 * exchanges across a 10-node code sync; 13 here). They no longer beat at once (the report carries
 * the running commit), so here only a periodic beat that happens to follow a report closely hits
 * it now; IngestMarks' unit tests (test/node/daemon/ingest-marks.test.ts) pin the rule itself.
 * Three real daemons, periodic anti-entropy out of the way, a few deploys: no exchange at all.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFleet, type Fleet } from '../helpers/index.js'
import { admitAll, converge } from '../helpers/measure.js'
import { commit, makeRepo, tempDir } from '../node/code/fixture.js'

const RECEIVERS = ['n2', 'n3']
let fleet: Fleet
let repo: string

const cli = async (args: string[]): Promise<void> => {
  const r = await fleet.slm([...args, '--key', fleet.operatorKey], { dir: 'n1', timeoutMs: 120_000 })
  expect(r.code, r.stdout + r.stderr).toBe(0)
}

/** Sync exchanges every daemon answered since it started. */
const served = async (): Promise<number> =>
  (await Promise.all(fleet.nodes.map(async n => (await fleet.status(n.name)).traffic.syncServed.requests))).reduce((a, b) => a + b, 0)

beforeAll(async () => {
  repo = makeRepo()
  commit(repo, { 'app/version.txt': 'v0\n' }, 'initial')
  fleet = await startFleet({
    n: 3,
    heartbeatIntervalMs: 500,
    // Periodic anti-entropy out of the window (connection-time exchanges happen at start only).
    config: { thresholds: { cpu: 0, memory: 0, disk: 0 }, syncIntervalMs: 3_600_000, remediation: { restartCommand: 'true', maxPerHour: 3 } },
    codeSourceRepo: (_name, i) => i === 0 ? repo : undefined
  })
  await converge(fleet, 120_000)
  await admitAll(fleet)
  await fleet.waitFor(async () => (await fleet.status('n1')).codeSource?.holder === fleet.node('n1').nodeId, { timeoutMs: 60_000, what: 'n1 to hold the code-source role' })
  const role = join(tempDir(), 'app.yaml')
  writeFileSync(role, 'name: app\nsource_paths: [app]\ntarget_path: roles/app\n')
  await cli(['role', 'define', role, '--wait', '30'])
  await cli(['role', 'assign', 'app', ...RECEIVERS, '--wait', '30'])
}, 240_000)

afterAll(async () => { await fleet?.stop() }, 60_000)

describe('anti-entropy and heartbeats', () => {
  it('deploys, their reports and the heartbeats after them cause no sync exchange', async () => {
    const before = await served()
    for (let i = 1; i <= 3; i++) {
      const sha = commit(repo, { 'app/version.txt': `v${i}\n` }, `v${i}`)
      await cli(['code', 'sync', '--role', 'app', '--commit', sha, '--wait', '60'])
      // Every member has every report and heartbeat by now: the last heartbeats went out with them.
      await fleet.waitFor(async () => {
        const views = await Promise.all(fleet.nodes.map(async n => (await fleet.slm(['code', 'status', '--json'], { dir: n.name })).json?.roles?.[0]))
        return views.every(v => v?.done === RECEIVERS.length && v.desired?.sha === sha)
      }, { timeoutMs: 30_000, what: `v${i} in sync on every replica` })
    }
    expect(await served() - before).toBe(0)
  }, 240_000)
})
