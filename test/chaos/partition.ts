/**
 * Scenario 2, partition and heal: the fleet split in two with `test.block` (each side drops the
 * other's gossip and refuses its connections), commands on both sides including conflicting
 * writes of the same fleet-data registers, then healed. One converged state must follow LWW
 * (the later issuedAt wins, whatever arrived last), and exactly one code-source holder remains.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sleep, type FleetNode } from '../helpers/index.js'
import { admitEveryone, startChaosFleet, stopChaosFleet, waitMembership, type ChaosFleet } from './fleet-setup.js'
import { checkReplicas, describeCheck, digestSpread, lostCount, waitDigestsEqual } from './invariants.js'
import { toNodes } from './operator.js'
import { newResult, pickOne, type ChaosOptions, type ScenarioResult } from './types.js'

/** A one-commit git repo for the code-source candidates. */
function gitRepo (): string {
  const dir = mkdtempSync(join(tmpdir(), 'slm-chaos-repo-'))
  const git = (...a: string[]): void => { execFileSync('git', ['-C', dir, '-c', 'user.name=chaos', '-c', 'user.email=chaos@example.invalid', ...a], { stdio: 'ignore' }) }
  git('init', '-q', '-b', 'main')
  writeFileSync(join(dir, 'README'), 'chaos\n')
  git('add', 'README')
  git('commit', '-q', '-m', 'first')
  return dir
}

async function block (cf: ChaosFleet, side: FleetNode[], other: FleetNode[]): Promise<void> {
  await Promise.all(side.map(async (n) => { await cf.controls.call(n.name, 'test.block', { peers: other.map((o) => o.nodeId) }) }))
}

/** Holders as each running node sees them. */
async function holders (cf: ChaosFleet): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>()
  for (const n of cf.controls.running()) {
    const nodes: any[] = await cf.controls.call(n.name, 'nodes')
    const h = nodes.filter((v) => v.isCodeSource === true).map((v) => v.name)
    out.set(n.name, h.length === 1 ? h[0] : h.length === 0 ? null : `several:${h.join('+')}`)
  }
  return out
}

export async function partition (opts: ChaosOptions, o: { n?: number, splitMs?: number } = {}): Promise<ScenarioResult> {
  const n = o.n ?? (opts.quick ? 4 : 10)
  const splitMs = o.splitMs ?? (opts.quick ? 10_000 : 60_000)
  const res = newResult('partition and heal')
  res.load = `${n} nodes split ${n / 2}|${n - n / 2} for ${splitMs / 1000} s, commands on both sides`
  const t0 = Date.now()
  const repo = gitRepo()
  let cf: ChaosFleet | undefined
  try {
    const half = Math.floor(n / 2)
    // One code-source candidate on each side, so each side elects its own while split.
    cf = await startChaosFleet({ n, heartbeatIntervalMs: 1000, codeSourceRepo: (_name, i) => i === 0 || i === half ? repo : undefined })
    const { fleet, controls, operator } = cf
    if (await waitMembership(cf, 120_000) === null) res.failures.push('membership did not converge before the split')
    if (!(await admitEveryone(cf))) res.failures.push('not every node came online after admit')
    const a = fleet.nodes.slice(0, half)
    const b = fleet.nodes.slice(half)
    await block(cf, a, b)
    await block(cf, b, a)
    opts.log(`partition: split ${a.map((x) => x.name).join(',')} | ${b.map((x) => x.name).join(',')}`)

    // Conflicting writes of the same registers, the later issuedAt on the side that writes first.
    const now = Date.now()
    const x = a[a.length - 1]
    const roleDef = (description: string): Record<string, unknown> => ({ role: { name: 'chaos-lww', displayName: 'Chaos', description, serviceType: 'stateless', systemdServices: [], requiredTags: [], dependencies: [], healthChecks: [], updateStrategies: ['all-at-once'], sourcePaths: [], targetPath: 'roles/chaos-lww', autoRestart: false, ports: [] } })
    const writes = [
      await operator.send(a[0].name, 'role_define', { kind: 'all' }, roleDef('side-a-later'), { issuedAtMs: now + 3000 }),
      await operator.send(b[0].name, 'role_define', { kind: 'all' }, roleDef('side-b-earlier'), { issuedAtMs: now }),
      await operator.send(a[0].name, 'tag_add', toNodes(x.nodeId), { tag: 'contested' }, { issuedAtMs: now }),
      await operator.send(b[0].name, 'tag_remove', toNodes(x.nodeId), { tag: 'contested' }, { issuedAtMs: now + 2000 }),
      await operator.send(b[0].name, 'role_assign', toNodes(x.nodeId), { role: 'redis' }, { issuedAtMs: now + 1000 }),
      await operator.send(a[0].name, 'role_unassign', toNodes(x.nodeId), { role: 'redis' }, { issuedAtMs: now + 500 })
    ]
    for (const w of writes) if (!w.ok) res.failures.push(`conflicting write ${w.action} via ${w.via} refused: ${w.code ?? ''}`)

    // Ordinary traffic on both sides while split: tags and maintenance on each side's own nodes.
    const deadline = Date.now() + splitMs
    for (let i = 0; i < 10_000 && Date.now() < deadline; i++) {
      const side = i % 2 === 0 ? a : b
      const via = pickOne(side)
      const target = pickOne(side)
      if (i % 3 === 0) void operator.send(via.name, 'tag_add', toNodes(target.nodeId), { tag: `side${i % 2}-${i % 7}` })
      else {
        const view = await controls.call(via.name, 'node', { id: target.nodeId }, 5000).catch(() => null)
        if (view?.state === 'online') void operator.send(via.name, 'maintenance_enter', toNodes(target.nodeId), { type: 'planned', reason: 'split' })
        else if (typeof view?.state === 'string' && view.state.startsWith('maintenance_')) void operator.send(via.name, 'maintenance_exit', toNodes(target.nodeId))
      }
      await sleep(500)
    }
    const during = await holders(cf)
    res.notes.push(`code-source holders while split: ${[...new Set(during.values())].join(', ')}`)
    const splitDigests = new Set([...(await controls.statuses()).values()].map((s) => s.replicaDigest)).size

    // Heal.
    const healedAt = Date.now()
    await Promise.all(fleet.nodes.map(async (node) => { await controls.call(node.name, 'test.block', { peers: [] }) }))
    opts.log('partition: healed')
    res.convergeMs = await waitDigestsEqual(controls, 180_000)
    if (res.convergeMs === null) res.failures.push(`digests still differ 180 s after heal: ${await digestSpread(controls)}`)
    if (await waitMembership(cf, 60_000) === null) res.failures.push('not every node sees every other alive 60 s after heal')
    res.notes.push(`${splitDigests} distinct replica digests while split; one digest ${res.convergeMs ?? '-'} ms after heal`)

    // Exactly one holder, the same on every node (a stale side's lease must lose to the higher term).
    let one: string | null = null
    for (let i = 0; i < 60 && one === null; i++) {
      const h = new Set((await holders(cf)).values())
      if (h.size === 1 && ![...h][0]?.startsWith('several') && [...h][0] !== null) one = [...h][0]
      else await sleep(1000)
    }
    if (one === null) res.failures.push(`no single code-source holder 60 s after heal: ${JSON.stringify(Object.fromEntries(await holders(cf)))}`)
    else res.notes.push(`one code-source holder after heal: ${one} (${Date.now() - healedAt} ms after heal)`)

    // LWW outcome on every replica.
    for (const node of controls.running()) {
      const roles: any[] = await controls.call(node.name, 'roles')
      const desc = roles.find((r) => r.name === 'chaos-lww')?.description
      if (desc !== 'side-a-later') res.failures.push(`${node.name}: role chaos-lww description '${desc}', LWW wants 'side-a-later'`)
      const view = await controls.call(node.name, 'node', { id: x.nodeId })
      if (view.tags.includes('contested')) res.failures.push(`${node.name}: ${x.name} still tagged 'contested' though the later write removed it`)
      if (!view.roles.includes('redis')) res.failures.push(`${node.name}: ${x.name} lacks role redis though the later write assigned it`)
    }
    const check = await checkReplicas(fleet, controls, operator, new Set())
    res.lost = lostCount(check)
    res.failures.push(...describeCheck(check))
    res.faults = `1 partition (${splitMs / 1000} s), 3 conflicting register pairs`
    res.notes.push(`${operator.acknowledged().length} commands acknowledged across both sides`)
    for (const c of fleet.crashes) res.failures.push(`${c.name} exited unasked (code ${c.code}, signal ${c.signal})`)
  } catch (err) {
    res.failures.push(`scenario aborted: ${String((err as Error)?.stack ?? err).slice(0, 600)}`)
  } finally {
    await stopChaosFleet(cf)
    rmSync(repo, { recursive: true, force: true })
    res.elapsedMs = Date.now() - t0
  }
  return res
}
