/**
 * Conservative remediation (PREDECESSOR: max 3 attempts, cooldown): restart a failing role's
 * services through the configured command, at most `maxPerHour` times per role, every attempt
 * recorded in the audit trail. Never while this node sees fewer than half the fleet alive — it may
 * be the one cut off (as Kubernetes stops evicting when most of a zone looks down).
 */
import type { RoleDefinition } from '../../protocol/types.js'
import type { Daemon } from './daemon.js'
import { runShell } from '../exec/index.js'

const HOUR = 3_600_000

export class Remediator {
  private readonly d: Daemon
  private readonly attempts = new Map<string, number[]>()

  constructor (d: Daemon) {
    this.d = d
  }

  /** Majority rule: alive peers (ourselves included) must be at least half the fleet. */
  quorate (): boolean {
    const views = this.d.store.listNodes().filter(n => n.state !== 'retired')
    if (views.length <= 1) return true
    const alive = views.filter(n => n.id === this.d.id || this.d.peers.livenessOf(n.id) === 'alive').length
    return alive * 2 >= views.length
  }

  /** Tries one restart round; returns true when the roles' budget for this hour is spent. */
  async remediate (roles: RoleDefinition[], now: number): Promise<boolean> {
    const max = this.d.config.remediation.maxPerHour
    let exhausted = false
    if (!this.quorate()) {
      this.d.log.info('remediation suspended: fewer than half of the fleet is alive from here')
      return false
    }
    for (const role of roles) {
      const recent = (this.attempts.get(role.name) ?? []).filter(t => now - t < HOUR)
      this.attempts.set(role.name, recent)
      if (recent.length >= max) { exhausted = true; continue }
      recent.push(now)
      const services = role.systemdServices.length > 0 ? role.systemdServices : [role.name]
      for (const service of services) {
        const res = await runShell(`${this.d.config.remediation.restartCommand} ${shellQuote(service)}`, { timeoutMs: 60_000 })
        await this.d.self.record('remediation', {
          role: role.name,
          service,
          attempt: recent.length,
          ok: res.ok,
          ...(res.ok ? {} : { detail: res.output.slice(-300) || `exit ${String(res.code)}` })
        })
      }
    }
    return exhausted
  }
}

function shellQuote (s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`
}
