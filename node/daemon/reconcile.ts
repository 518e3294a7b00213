/**
 * The node's reconcile loop (seed 000 phase 2): every reconcileInterval it drives its own automatic
 * transitions — admission under the `auto` policy, the install flow, health thresholds and role
 * checks with conservative remediation, drain timeout, immediate maintenance, recovery, and
 * scheduled maintenance windows. Decisions are the lifecycle module's pure functions; this file
 * gathers observations and records the outcome. Health never overrides an operator-held state.
 */
import type { MaintenanceWindow, NodeState, RoleDefinition, TransitionBody } from '../../protocol/types.js'
import { hlcMs } from '../../protocol/hlc.js'
import { drainDecision, healthDecision, onInstallFailure, recoveryDecision } from '../lifecycle/index.js'
import { runRoleChecks, thresholdBreached } from '../health/index.js'
import { entryCovers } from '../commands/index.js'
import type { Daemon } from './daemon.js'
import { runShell } from '../exec/index.js'
import { Remediator } from './remediate.js'

/** How long maintenance_recovering may wait for healthy checks before `error`. */
export const RECOVERY_TIMEOUT_MS = 120_000
export const INSTALL_TIMEOUT_MS = 600_000
/** States a tick leaves when all is well: recovering (once checks pass) and immediate maintenance. */
export const LEFT_AT_ONCE: ReadonlySet<NodeState> = new Set<NodeState>(['maintenance_recovering', 'maintenance_immediate'])
/** A resource threshold must be breached this many ticks in a row: one busy sample is not `degraded`. */
export const SUSTAINED_BREACH_TICKS = 3

export class Reconciler {
  private readonly d: Daemon
  private timer?: NodeJS.Timeout
  private running = false
  private again = false
  private stopped = true
  private readonly remediator: Remediator
  private breachStreak = 0
  /** Role check results from the last tick, by role. */
  lastChecks: Record<string, { ok: boolean, detail?: string }> = {}

  constructor (d: Daemon) {
    this.d = d
    this.remediator = new Remediator(d)
  }

  start (): void {
    this.stopped = false
    this.poke()
  }

  stop (): void {
    this.stopped = true
    clearTimeout(this.timer)
  }

  /** Runs a tick soon (after a command or fleet change) without waiting for the interval. */
  poke (): void {
    if (this.mayStart()) this.timer = setTimeout(() => { void this.tick() }, 10)
  }

  /**
   * Runs a tick now (after the caller's exclusive section, if any) and resolves when it is done;
   * one already running runs again after it instead.
   */
  async tickNow (): Promise<void> {
    if (this.mayStart()) await this.tick()
  }

  /** Whether a tick may start now (the scheduled one is cancelled); one running is asked to run again. */
  private mayStart (): boolean {
    if (this.stopped) return false
    if (this.running) { this.again = true; return false }
    clearTimeout(this.timer)
    return true
  }

  private async tick (): Promise<void> {
    this.running = true
    try {
      await this.d.self.exclusive(async () => { await this.reconcileOnce(Date.now()) })
    } catch (err) {
      this.d.log.warn({ err: String(err) }, 'reconcile tick failed')
    } finally {
      this.running = false
      if (!this.stopped) {
        const delay = this.again ? 10 : this.d.config.reconcileIntervalMs
        this.again = false
        this.timer = setTimeout(() => { void this.tick() }, delay)
      }
    }
  }

  private state (): NodeState {
    return this.d.store.getNode(this.d.id)?.state ?? 'discovered'
  }

  /** When did we last enter our current state (from our own history)? */
  private enteredAt (): number {
    const page = this.d.store.history(this.d.id, { limit: 1, offset: 0 })
    const last = page.items[0]
    return last != null ? hlcMs(last.hlc) : this.d.startedAt
  }

  private lastTransition (): TransitionBody | undefined {
    const item = this.d.store.history(this.d.id, { limit: 1, offset: 0 }).items[0]
    return item == null ? undefined : { from: item.from, to: item.to, trigger: item.trigger as TransitionBody['trigger'], metadata: item.metadata }
  }

  private myRoles (): RoleDefinition[] {
    const names = new Set(this.d.selfSubject().roles)
    return this.d.store.roles().filter(r => names.has(r.name))
  }

  private async system (to: NodeState, comment: string, metadata?: Record<string, unknown>): Promise<void> {
    await this.d.self.moveTo(to, { trigger: 'system', comment, metadata })
  }

  async reconcileOnce (now: number): Promise<void> {
    const state = this.state()
    const roles = this.myRoles()
    // cwd: the state dir, as for the checks after a code sync, so a relative path means one thing.
    this.lastChecks = await runRoleChecks(roles, { cwd: this.d.config.dir })

    if (state === 'discovered' && this.d.store.getRegister('policy/admission')?.value === 'auto') {
      await this.system('pending', 'admitted by the fleet admission policy (auto)')
      return
    }
    if (state === 'pending') {
      await this.system('installing', 'installing effective roles')
      await this.install(roles)
      return
    }
    if (state === 'installing') {
      await this.install(roles)
      return
    }
    if (await this.windows(state, now)) return
    if (state === 'maintenance_immediate') {
      await this.system('maintenance_offline', 'immediate maintenance: services taken offline')
      return
    }
    const drain = drainDecision(state, { enteredAt: this.enteredAt(), now, drainTimeoutMs: this.d.config.drainTimeoutMs })
    if (drain != null) {
      await this.system(drain, `drain timeout (${this.d.config.drainTimeoutMs} ms) passed`)
      return
    }
    const health = this.d.health.latest()
    const t = this.d.config.thresholds
    // 0 turns a threshold off.
    const breachedNow = thresholdBreached(health, { cpu: t.cpu || Infinity, memory: t.memory || Infinity, disk: t.disk || Infinity })
    this.breachStreak = breachedNow ? this.breachStreak + 1 : 0
    const breached = this.breachStreak >= SUSTAINED_BREACH_TICKS
    const failing = Object.entries(this.lastChecks).filter(([, r]) => !r.ok).map(([role]) => role)
    if (state === 'maintenance_recovering') {
      const next = recoveryDecision(state, { healthy: !breached && failing.length === 0, enteredAt: this.enteredAt(), now, timeoutMs: RECOVERY_TIMEOUT_MS })
      if (next != null) await this.system(next, next === 'online' ? 'health checks pass after maintenance' : `health checks still failing: ${failing.join(', ')}`)
      return
    }
    if (state !== 'online' && state !== 'degraded') return
    let exhausted = false
    if (state === 'degraded' && failing.length > 0) {
      exhausted = await this.remediator.remediate(roles.filter(r => failing.includes(r.name)), now)
    }
    const next = healthDecision(state, { thresholdBreached: breached, checksFailing: failing.length > 0, remediationExhausted: exhausted })
    if (next != null) {
      const why = next === 'online' ? 'recovered: thresholds and role checks pass'
        : next === 'error' ? `remediation exhausted for ${failing.join(', ')}`
          : [breached ? 'resource threshold breached' : '', failing.length > 0 ? `failing role checks: ${failing.join(', ')}` : ''].filter(Boolean).join('; ')
      await this.system(next, why, { cpu: health.cpuPercent, memory: health.memoryPercent, disk: health.diskPercent, failing })
    }
  }

  /** Install flow (seed 003): each effective role's install command, retried up to 3 attempts. */
  private async install (roles: RoleDefinition[]): Promise<void> {
    const attempts = this.d.store.getNode(this.d.id)?.installAttempts ?? 0
    const attempt = attempts + 1
    const todo = roles.filter(r => r.installCommand != null && r.installCommand !== '')
    await this.d.self.record('install', { phase: 'started', attempt, message: `roles: ${todo.map(r => r.name).join(', ') || 'none'}` })
    for (const [i, role] of todo.entries()) {
      await this.d.self.record('install', { role: role.name, phase: 'progress', attempt, message: `${i + 1}/${todo.length} ${role.name}` })
      const res = await runShell(role.installCommand!, { cwd: this.d.config.dir, timeoutMs: INSTALL_TIMEOUT_MS })
      if (!res.ok) {
        const message = res.timedOut ? `install of ${role.name} timed out` : `install of ${role.name} exited ${String(res.code)}: ${res.output.slice(-500)}`
        await this.d.self.record('install', { role: role.name, phase: 'failed', attempt, message })
        const decision = onInstallFailure(attempts)
        if (decision.next === 'install_failed') await this.system('install_failed', message, { attempts: decision.attempts })
        return
      }
    }
    await this.d.self.record('install', { phase: 'complete', attempt })
    await this.system('online', 'install complete')
  }

  /** Scheduled maintenance windows: enter at start, leave at end (also after a restart). */
  private async windows (state: NodeState, now: number): Promise<boolean> {
    const self = this.d.selfSubject()
    const mine = this.d.store.windows().filter((w: MaintenanceWindow) => w.nodes.some(e => entryCovers(e, self)))
    const last = this.lastTransition()
    const fromWindow = last?.metadata?.window as string | undefined
    // A window is entered once: an operator who ends it early is not pulled back in.
    const entered = new Set(this.d.store.history(this.d.id, { limit: 50, offset: 0 }).items.map(i => i.metadata?.window).filter(Boolean))
    const active = mine.find(w => now >= w.start && now < w.end)
    if (active != null && (state === 'online' || state === 'degraded') && !entered.has(active.id)) {
      await this.system(`maintenance_${active.type}` as NodeState, `maintenance window ${active.id} started: ${active.reason}`, { window: active.id })
      return true
    }
    if (fromWindow != null && state.startsWith('maintenance_') && state !== 'maintenance_recovering') {
      const w = mine.find(x => x.id === fromWindow)
      if (w == null || now >= w.end) {
        if (state !== 'maintenance_offline') await this.system('maintenance_offline', `maintenance window ${fromWindow} ended`, { window: fromWindow })
        await this.system('maintenance_recovering', `maintenance window ${fromWindow} ended`, { window: fromWindow, ended: true })
        return true
      }
    }
    return false
  }
}
