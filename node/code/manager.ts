/**
 * The code-source role and code distribution on one node: runs the election, announces commits
 * when this node holds the role, and rolls the role's desired commit out on this node when its
 * turn comes. I/O around the pure election and rollout decisions.
 */
import { existsSync } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import type { ActiveTransfer, CodeStatusView, CodeCommitView, CodeTransferStats } from '../../protocol/control.js'
import { hlcMs } from '../../protocol/hlc.js'
import type { DesiredCode, Lease, NodeEvent, RoleDefinition } from '../../protocol/types.js'
import { affectedRoles, resolveTargetPath } from '../roles/index.js'
import type { Daemon } from '../daemon/daemon.js'
import { EarliestTimer } from '../daemon/earliest-timer.js'
import { nodeViewOf, nodeViews } from '../daemon/fleet-view.js'
import { runShell } from '../exec/index.js'
import { runRoleChecks } from '../health/index.js'
import { currentHolder, decide, type Candidate } from './election.js'
import { CodeError, commitInfo, createBundle, ensureCacheRepo, hasCommit, importBundle, pruneCache } from './git.js'
import { CodeIndex } from './index-of.js'
import { decideDeploy, isHalted, memberReason, ownDecision, runningOf, type RolloutMember } from './rollout.js'
import { BundleTransfer, fetchBundle, TransferRefused, type Admission } from './transfer.js'
import { deployRole } from './deploy.js'
import { admitFetch, type Seeded } from './seeding.js'
import { agedEntries, runningSha } from './release.js'
import { retained } from './retention.js'

/** Commits a node keeps fetched beyond the ones its roles run or are told to run. */
export const RETAINED_COMMITS = 5
const BUNDLE_FILE = /^[0-9a-f]{40}\.bundle$/
/** Commits remembered per-sha (seeded peers, bundles packed ahead): only recent ones are fetched. */
const RECENT_SHAS = 16

/** Drops the oldest entries (insertion order) of `recent` beyond RECENT_SHAS. */
function keepRecent (recent: Set<string> | Map<string, unknown>): void {
  for (const old of recent.keys()) if (recent.size > RECENT_SHAS) recent.delete(old)
}

function shuffle<T> (list: T[]): T[] {
  const out = [...list]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

export class CodeManager {
  private readonly d: Daemon
  readonly index = new CodeIndex()
  private ownLease: Lease | null = null
  private readonly timer = new EarliestTimer(() => { this.runTick() })
  private ticking = false
  /** Announcements run one at a time (ticks and the hook's notify), so a commit is announced once. */
  private announcing: Promise<unknown> = Promise.resolve()
  /** When the rollout is next looked at without a poke. */
  private rolloutAt = 0
  private stopped = true
  /** A rollout pass is running (deciding, or deploying for as long as that takes). */
  private rolling = false
  /** Something poked while it ran: look again once it is done. */
  private rollAgain = false
  private settledAt = 0
  private announcedTerm: number | null = null
  private readonly making = new Map<string, Promise<string>>()
  /**
   * Bundles we are fetching, by sha: the path of the whole file once it is on disk (null if the
   * fetch gave up). We pass it on from then, while we verify it ourselves: each fetcher verifies
   * what it gets, and waiting for our check would add it to every wave of the tree.
   */
  private readonly arriving = new Map<string, Promise<string | null>>()
  /** Commits whose bundle the holder made (or is making) ahead of the first fetcher. */
  private readonly prepared = new Set<string>()
  /** Per sha, the peers we served its whole bundle to, and when. */
  private readonly seeded = new Map<string, Map<string, Seeded>>()
  private transfer?: BundleTransfer
  private pruning = false
  private pruneAgain = false
  private readonly stats: CodeTransferStats = { servedBytes: 0, served: 0, fetchedBytes: 0, fetched: 0 }
  /** The bundle this node is fetching now (one deploy at a time), for `slm status`. */
  private fetching: ActiveTransfer | null = null

  constructor (d: Daemon) {
    this.d = d
  }

  private get dir (): string { return join(this.d.config.dir, 'code') }
  private get cache (): string { return join(this.dir, 'cache.git') }
  private bundlePath (sha: string): string { return join(this.dir, 'bundles', `${sha}.bundle`) }
  private get leaseMs (): number { return Math.max(3 * this.d.config.heartbeatIntervalMs, 3000) }
  /**
   * The election needs a tick a second, but only on a candidate: any other member never claims or
   * holds a lease, and its rollout decisions come once per heartbeat interval or at a poke.
   */
  private get tickMs (): number {
    const beat = this.d.config.heartbeatIntervalMs
    return this.d.config.codeSource.repo != null ? Math.min(1000, beat) : beat
  }

  async start (events: NodeEvent[]): Promise<void> {
    for (const e of events) this.index.add(e)
    this.stopped = false
    // A valid lease is renewed in its holder's heartbeats at least once per lease time: only after
    // a full lease time (and a beat) can silence mean "nobody holds it". Settling sooner let a
    // restarted old holder, not yet connected, claim a higher term over the new holder.
    this.settledAt = Date.now() + this.leaseMs + this.d.config.heartbeatIntervalMs
    this.transfer = new BundleTransfer({
      node: this.d.node,
      bundleFor: async (sha) => await this.bundleFor(sha),
      admit: (sha, peer) => this.admit(sha, peer),
      onServed: (bytes, sha, peer, ms) => {
        this.stats.servedBytes += bytes
        this.stats.served++
        const seeded = this.seeded.get(sha) ?? new Map<string, Seeded>()
        seeded.set(peer, { at: Date.now(), ms, ...(seeded.get(peer)?.failed === true ? { failed: true } : {}) })
        this.seeded.set(sha, seeded)
        keepRecent(this.seeded)
      },
      onError: (where, err) => { this.d.log.debug({ where, err: String(err) }, 'code transfer') }
    })
    await this.transfer.start()
    this.schedule(500)
  }

  stop (): void {
    this.stopped = true
    this.timer.cancel()
  }

  onEvent (e: NodeEvent): void {
    this.index.add(e)
    if (e.type === 'code_report') this.poke()
  }

  /** Something a rollout decision rests on changed: decide now. */
  poke (): void {
    this.rolloutAt = 0
    this.schedule(20)
  }

  /** Runs the tick in `ms`, unless one is due sooner: a stream of pokes must not hold it off. */
  private schedule (ms: number): void {
    if (!this.stopped) this.timer.within(ms)
  }

  private runTick (): void {
    // One tick at a time (it is short: a deploy runs apart from it); a poke meanwhile retries.
    if (this.ticking) { this.schedule(20); return }
    this.ticking = true
    this.tick().catch((err) => { this.d.log.warn({ err: String(err) }, 'code tick failed') })
      .finally(() => {
        this.ticking = false
        this.schedule(this.tickMs)
      })
  }

  lease (): Lease | null { return this.ownLease }

  transferStats (): CodeTransferStats {
    const active = [...(this.fetching != null ? [{ ...this.fetching }] : []), ...(this.transfer?.active() ?? [])]
    return { ...this.stats, active: active.map(t => ({ ...t, peerName: this.d.store.getNode(t.peer)?.name ?? t.peer })) }
  }

  // Runs on every tick (and every holder() call): from the heartbeats alone, not whole node
  // records, which cost O(fleet) allocations a second on every daemon.
  private members (): Candidate[] {
    const out: Candidate[] = []
    for (const id of this.d.store.nodeIds()) {
      const hb = this.d.store.lastBeat(id)?.hb
      out.push({
        id,
        alive: id === this.d.id || this.d.peers.livenessOf(id) === 'alive',
        candidate: id === this.d.id ? this.d.config.codeSource.repo != null : (hb?.codeSourceCandidate ?? false),
        ...(hb?.lease != null ? { lease: hb.lease } : {})
      })
    }
    return out
  }

  currentLease (): Lease | null {
    return currentHolder({ members: this.members(), now: Date.now(), self: this.d.id, ownLease: this.ownLease })
  }

  holder (): string | null { return this.currentLease()?.holder ?? null }

  private pin (): string | null {
    const v = this.d.store.getRegister('codesource/pin')?.value
    if (typeof v !== 'string') return null
    return this.d.store.getNode(v)?.id ?? v
  }

  sourceView (): Record<string, unknown> {
    const lease = this.currentLease()
    return {
      holder: lease?.holder ?? null,
      holderName: lease != null ? (this.d.store.getNode(lease.holder)?.name ?? lease.holder) : null,
      term: lease?.term ?? null,
      expiresAt: lease?.expiresAt ?? null,
      pinned: this.pin(),
      candidates: this.members().filter(m => m.candidate).map(m => ({ id: m.id, name: this.d.store.getNode(m.id)?.name ?? m.id, alive: m.alive }))
    }
  }

  private async tick (): Promise<void> {
    const now = Date.now()
    const action = decide({ self: this.d.id, members: this.members(), pin: this.pin(), now, leaseMs: this.leaseMs, settled: now >= this.settledAt, ownLease: this.ownLease })
    const had = this.ownLease?.term
    if (action.kind === 'claim' || action.kind === 'renew') this.ownLease = action.lease
    else if (action.kind === 'release') this.ownLease = null
    if (action.kind === 'claim' || (action.kind === 'release' && had != null)) {
      this.d.log.info({ action: action.kind, term: action.kind === 'claim' ? action.lease.term : had }, 'code-source lease')
      this.d.beatSoon()
    }
    // HEAD is announced once per term taken (this catches commits made while the daemon was
    // down); after that the hook's `slm code notify` announces, so the holder does not run git
    // every tick.
    if (this.ownLease != null && this.holder() === this.d.id && this.announcedTerm !== this.ownLease.term) {
      const term = this.ownLease.term
      await this.announceHead().then(() => { this.announcedTerm = term }, (err) => { this.d.log.warn({ err: String(err) }, 'announce failed') })
    }
    // A candidate's election needs its 1 s tick; a rollout decision needs one only when what it
    // rests on changed (desired commits, fleet data, reports: each pokes), else once per heartbeat
    // for what does not poke (members' liveness and lifecycle states). Every daemon runs this.
    // Not awaited: a deploy can take minutes, and the lease must go on being renewed meanwhile.
    if (now >= this.rolloutAt) {
      this.rolloutAt = now + this.d.config.heartbeatIntervalMs
      if (this.holder() === this.d.id) for (const r of this.d.store.listRegisters('desired/')) this.prepare((r.value as DesiredCode | null)?.sha)
      this.rollout().catch((err) => { this.d.log.warn({ err: String(err) }, 'code rollout failed') })
    }
  }

  /** The hook's `slm code notify`: announce HEAD (or `rev`) if this node holds the role. */
  async notify (p: Record<string, unknown>): Promise<Record<string, unknown>> {
    const repo = this.d.config.codeSource.repo
    if (repo == null) throw new CodeError('ERR_NOT_CANDIDATE', 'this node has no code-source repo configured (codeSource.repo / --code-source-repo)')
    if (this.holder() !== this.d.id) {
      // Announced when this node takes the role (announceHead runs on every tick as holder).
      return { announced: false, holder: this.holder(), reason: 'this node does not hold the code-source role now; the commit is announced if it does' }
    }
    const info = await this.announceHead(typeof p.rev === 'string' ? p.rev : undefined)
    return { announced: info != null, sha: info?.sha ?? null }
  }

  /** Announces `rev` (default HEAD) unless already announced: also catches commits made while down. */
  private async announceHead (rev?: string): Promise<{ sha: string } | null> {
    const run = this.announcing.catch(() => {}).then(async () => await this.announceOnce(rev))
    this.announcing = run
    return await run
  }

  private async announceOnce (rev?: string): Promise<{ sha: string } | null> {
    const repo = this.d.config.codeSource.repo
    if (repo == null || !existsSync(repo)) return null
    const info = await commitInfo(repo, rev ?? 'HEAD')
    if (this.index.announcements.some(a => a.sha === info.sha)) return null
    await this.d.self.record('code_announce', {
      sha: info.sha,
      branch: info.branch,
      author: info.author,
      message: info.message,
      changedPaths: info.changedPaths,
      affectedRoles: affectedRoles(info.changedPaths, this.d.store.roles()),
      term: this.ownLease?.term ?? 0,
      committedAt: info.committedAt
    })
    this.prepare(info.sha)
    return info
  }

  log (): CodeCommitView[] {
    return this.index.fenced().map(a => ({ sha: a.sha, branch: a.branch, author: a.author, message: a.message, changedPaths: a.changedPaths, affectedRoles: a.affectedRoles, announcedBy: a.origin, at: hlcMs(a.hlc) })).reverse()
  }

  private desired (role: string): DesiredCode | null {
    const v = this.d.store.getRegister(`desired/${role}`)?.value
    return v == null ? null : v as DesiredCode
  }

  private rolloutMembers (role: string): RolloutMember[] {
    return nodeViews(this.d).filter(v => v.roles.includes(role) && v.state !== 'retired').map(v => {
      const report = this.index.latestReport(v.id, role)
      const hb = this.d.store.lastBeat(v.id)?.hb
      return {
        id: v.id,
        alive: v.liveness === 'alive',
        running: runningOf(hb != null ? { version: hb.versions[role], hlc: hb.hlc } : null, report),
        report
      }
    })
  }

  status (onlyRole?: string): CodeStatusView {
    const roles = new Set<string>()
    for (const r of this.d.store.listRegisters('desired/')) if (r.value != null) roles.add(r.key.slice('desired/'.length))
    if (onlyRole != null) { roles.clear(); roles.add(onlyRole) }
    const names = new Map(this.d.store.listNodes().map(n => [n.id, n.name]))
    return {
      roles: [...roles].sort().map((role) => {
        const desired = this.desired(role)
        const members = this.rolloutMembers(role)
        const halted = desired != null && isHalted(desired, members)
        const nodes = members.map(m => {
          const reason = memberReason(desired, m, halted)
          const failure = (reason === 'failed' || reason === 'rolled_back') && m.report?.reason != null ? { message: m.report.reason } : {}
          return { node: m.id, nodeName: names.get(m.id) ?? m.id, role, desired: desired?.sha ?? null, running: m.running, attempted: m.report?.sha ?? null, reason, ...failure }
        })
        return { role, desired, total: nodes.length, done: nodes.filter(n => n.reason === 'in_sync').length, failed: nodes.filter(n => n.reason === 'failed' || n.reason === 'rolled_back').length, halted, nodes }
      })
    }
  }

  /**
   * One pass at a time: a pass may deploy for minutes while ticks go on, and two passes that both
   * got past the check before either started deploying fetched and applied the same commit twice.
   * A tick that finds a pass running asks for one more after it.
   */
  private async rollout (): Promise<void> {
    if (this.rolling) { this.rollAgain = true; return }
    this.rolling = true
    try {
      do {
        this.rollAgain = false
        await this.rolloutPass()
      } while (this.rollAgain && !this.stopped)
    } finally {
      this.rolling = false
    }
  }

  private async rolloutPass (): Promise<void> {
    const me = nodeViewOf(this.d, this.d.id)
    if (me == null || me.state === 'retired' || me.state === 'deprovisioning') return
    for (const roleName of me.roles) {
      const desired = this.desired(roleName)
      const role = this.d.store.roles().find(r => r.name === roleName)
      if (desired == null || role == null) continue
      const running = await runningSha(resolveTargetPath(role, this.d.config.dir))
      // Most ticks end here (in sync): the fleet's views are O(fleet) work on every daemon.
      if (ownDecision(desired, running, this.index.latestReport(this.d.id, roleName)) != null) continue
      const members = this.rolloutMembers(roleName).map(m => m.id === this.d.id ? { ...m, running } : m)
      const decision = decideDeploy(desired, members, this.d.id, me.state.startsWith('maintenance_'))
      if (!decision.go) continue
      await this.deploy(role, desired.sha)
      return
    }
  }

  private async deploy (role: RoleDefinition, sha: string): Promise<void> {
    const started = Date.now()
    await this.d.self.record('code_report', { role: role.name, sha, status: 'fetching' })
    const restartCmd = this.d.config.remediation.restartCommand
    let superseded = false
    const wanted = (): boolean => { superseded = this.desired(role.name)?.sha !== sha; return !superseded }
    const out = await deployRole(role, sha, {
      stateDir: this.d.config.dir,
      cacheRepo: this.cache,
      obtain: async (s) => { await this.obtain(s, wanted) },
      run: async (command, cwd) => await runShell(command, { cwd, timeoutMs: 600_000 }),
      restart: async (r) => {
        let output = ''
        for (const svc of r.systemdServices) {
          const res = await runShell(`${restartCmd} '${svc.replace(/'/g, '')}'`, { timeoutMs: 120_000 })
          if (!res.ok) return res
          output += res.output
        }
        return { ok: true, output }
      },
      check: async (r) => {
        // Same cwd as the collector's periodic checks: the state dir, so a relative path in a
        // check means the same thing in both places (and not wherever the daemon was started).
        const res = (await runRoleChecks([r], { cwd: this.d.config.dir }))[r.name] ?? { ok: true }
        return { ok: res.ok, detail: res.detail ?? '' }
      }
    })
    // The heartbeat's versions come from the health collector's reading of `current`, cached for
    // seconds: read it again now, before the report, or heartbeats would go on announcing the
    // release we just left and `code status` would show this node behind its own report.
    await this.d.health.refresh({ force: 'files' }).catch(() => {})
    if (superseded) {
      // Not a failure of `sha` (a failed report would keep this node from ever retrying it): the
      // next tick deploys the commit that replaced it.
      this.d.log.info({ role: role.name, sha }, 'desired commit changed while fetching; dropped')
      return
    }
    await this.d.self.record('code_report', {
      role: role.name,
      sha,
      status: out.status,
      ...(out.running != null ? { running: out.running } : {}),
      ...(out.status !== 'applied' ? { reason: out.reason.slice(0, 1000) } : {})
    })
    // No heartbeat now: the report carries what we run (runningOf), and the next beat the version.
    this.d.log.info({ role: role.name, sha, status: out.status, ms: Date.now() - started }, 'deployed')
    this.pruneSoon()
  }

  /** One prune at a time; a request while one runs makes it run once more after. */
  private pruneSoon (): void {
    if (this.pruning) { this.pruneAgain = true; return }
    this.pruning = true
    this.prune().catch((err) => { this.d.log.warn({ err: String(err) }, 'pruning cached code failed') }).finally(() => {
      this.pruning = false
      if (this.pruneAgain && !this.stopped) { this.pruneAgain = false; this.pruneSoon() }
    })
  }

  /**
   * Keeps the newest RETAINED_COMMITS bundles and cached commits, and whatever this node's roles
   * run or are told to run; the rest goes (each is a whole tree). Peers fetch recent commits, and
   * an older one can still be fetched again from the holder.
   */
  private async prune (): Promise<void> {
    const pinned: string[] = []
    for (const roleName of nodeViewOf(this.d, this.d.id)?.roles ?? []) {
      const role = this.d.store.roles().find(r => r.name === roleName)
      const running = role != null ? await runningSha(resolveTargetPath(role, this.d.config.dir)) : null
      for (const sha of [running, this.desired(roleName)?.sha]) if (sha != null) pinned.push(sha)
    }
    const dir = join(this.dir, 'bundles')
    const bundles = (await agedEntries(dir, n => BUNDLE_FILE.test(n))).map(e => ({ ...e, name: e.name.slice(0, 40) }))
    const keep = retained(bundles, pinned, RETAINED_COMMITS)
    for (const b of bundles) if (!keep.has(b.name)) await rm(this.bundlePath(b.name), { force: true })
    await pruneCache(this.cache, keep)
  }

  /**
   * Gets `sha` into the cache: from our own repo, else a bundle from peers that have it. A fetched
   * bundle is kept (and served to others) only once it verified as `sha`; a peer's wrong bundle is
   * deleted and the next peer tried. Gives up when `wanted()` turns false (the role's desired
   * commit moved on), so a commit nobody can serve does not hold this node for the whole deadline.
   */
  private async obtain (sha: string, wanted: () => boolean = () => true): Promise<void> {
    await ensureCacheRepo(this.cache)
    if (await hasCommit(this.cache, sha)) return
    const repo = this.d.config.codeSource.repo
    if (repo != null && await hasCommit(repo, sha)) {
      await importBundle(this.cache, await this.makeBundle(repo, sha), sha)
      return
    }
    const staged = `${this.bundlePath(sha)}.fetched`
    let arrived!: (path: string | null) => void
    this.arriving.set(sha, new Promise(resolve => { arrived = resolve }))
    try {
      await this.fetchInto(sha, staged, arrived, wanted)
    } finally {
      arrived(null)
      this.arriving.delete(sha)
    }
  }

  /** obtain's fetch: peer after peer until a bundle verifies as `sha`; `arrived` hears of a whole file. */
  private async fetchInto (sha: string, staged: string, arrived: (path: string) => void, wanted: () => boolean): Promise<void> {
    /** Peers others sent us to: they were seeded with the bundle and may serve it by now. */
    const hinted = new Set<string>()
    const deadline = Date.now() + 10 * 60_000
    for (let round = 0; Date.now() < deadline && !this.stopped; round++) {
      if (!wanted()) throw new CodeError('ERR_SUPERSEDED', `${sha.slice(0, 12)} is no longer the desired commit`)
      // Peers that have it first, then peers we were sent to, in random order; the holder last.
      const have = shuffle(this.index.holdersOf(sha).filter(id => this.aliveOther(id)))
      const queue = [...have, ...shuffle([...hinted].filter(id => this.aliveOther(id) && !have.includes(id)))]
      const holder = this.holder()
      if (holder != null && holder !== this.d.id && !queue.includes(holder)) queue.push(holder)
      const tried = new Set<string>()
      while (queue.length > 0) {
        const id = queue.shift()!
        if (tried.has(id)) continue
        tried.add(id)
        try {
          const progress: ActiveTransfer = { sha, peer: id, direction: 'in', bytes: 0, size: 0, startedAt: Date.now() }
          this.fetching = progress
          let bytes: number
          try {
            bytes = await fetchBundle(this.d.node, peerIdFromString(id), sha, staged, (got, size) => { progress.bytes = got; progress.size = size })
          } finally {
            this.fetching = null
          }
          this.stats.fetchedBytes += bytes
          this.stats.fetched++
          const fetchedAt = Date.now()
          arrived(staged)
          await importBundle(this.cache, staged, sha)
          await rename(staged, this.bundlePath(sha))
          this.d.log.info({ sha, peer: id, bytes, fetchMs: fetchedAt - progress.startedAt, verifyMs: Date.now() - fetchedAt }, 'bundle fetched')
          return
        } catch (err: any) {
          await rm(staged, { force: true }).catch(() => {})
          if (err instanceof TransferRefused) {
            // Ask the peers it sent us to next, before anyone else left in this round.
            const next = err.peers.filter(p => this.aliveOther(p) && !tried.has(p))
            for (const p of next) hinted.add(p)
            queue.unshift(...shuffle(next))
          } else if (err?.code === 'ERR_SHA_MISMATCH' || err?.code === 'ERR_BAD_BUNDLE') {
            this.d.metrics.reject('code_bad_bundle')
            this.d.log.warn({ peer: id, sha, err: String(err?.message ?? err) }, 'rejected a bundle')
          } else {
            // Worth seeing: each one costs a whole transfer again (from the next peer).
            this.d.log.warn({ peer: id, sha, err: String(err?.message ?? err) }, 'bundle fetch failed')
          }
        }
      }
      await new Promise(resolve => setTimeout(resolve, Math.min(250 * (round + 1), 2000)))
    }
    throw new CodeError('ERR_FETCH', `could not fetch ${sha.slice(0, 12)} from any peer`)
  }

  /** A peer other than us that is alive now: one worth asking for (or sending others to) a bundle. */
  private aliveOther (id: string): boolean {
    return id !== this.d.id && this.d.peers.livenessOf(id) === 'alive'
  }

  private admit (sha: string, peer: string): Admission {
    // A peer we seeded that asks again has no good copy (it died, or its import failed).
    const mine = this.seeded.get(sha)
    const before = mine?.get(peer)
    if (mine != null && before != null) mine.set(peer, { ...before, failed: true })
    return admitFetch({
      peer,
      seeded: this.seeded.get(sha) ?? new Map(),
      have: this.index.holdersOf(sha),
      alive: (id) => this.aliveOther(id),
      now: Date.now()
    })
  }

  private async bundleFor (sha: string): Promise<string | null> {
    // A peer asking while ours is on its way gets the file once it is whole (it verifies it, as we
    // do), rather than nothing now or a second bundle packed from the cache our check fills.
    const staged = await this.arriving.get(sha)
    if (staged != null && existsSync(staged)) return staged
    const path = this.bundlePath(sha)
    if (existsSync(path)) return path
    const repo = this.d.config.codeSource.repo
    if (repo != null && await hasCommit(repo, sha)) return await this.makeBundle(repo, sha)
    if (await hasCommit(this.cache, sha)) return existsSync(path) ? path : await this.makeBundle(this.cache, sha)
    return null
  }

  /**
   * The holder packs a commit's bundle when it announces it or the commit becomes desired, before
   * the first fetcher asks for it: else every fetch of a new commit starts by waiting for the pack.
   */
  private prepare (sha: string | undefined): void {
    const repo = this.d.config.codeSource.repo
    if (sha == null || repo == null || this.prepared.has(sha) || existsSync(this.bundlePath(sha))) return
    this.prepared.add(sha)
    keepRecent(this.prepared)
    hasCommit(repo, sha).then(async (has) => { if (has) await this.makeBundle(repo, sha) })
      .catch((err) => { this.d.log.warn({ sha, err: String(err) }, 'packing a bundle ahead failed') })
  }

  /** One `git bundle create` per sha at a time, shared by our own deploy and the peers we serve. */
  private async makeBundle (repo: string, sha: string): Promise<string> {
    let p = this.making.get(sha)
    if (p == null) {
      const path = this.bundlePath(sha)
      // A new bundle may push an old one past what this node keeps (the holder makes one per commit).
      p = createBundle(repo, sha, path).then(() => { this.pruneSoon(); return path }).finally(() => { this.making.delete(sha) })
      this.making.set(sha, p)
    }
    return await p
  }
}
