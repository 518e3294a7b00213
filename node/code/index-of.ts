/**
 * In-memory index of code events in the replica (announcements, latest report per node and role),
 * built once from the log and kept current from the change feed, so the once-a-second rollout
 * tick never scans the whole log.
 */
import type { CodeAnnounceBody, CodeReportBody, NodeEvent } from '../../protocol/types.js'

export interface Announcement extends CodeAnnounceBody {
  origin: string
  hlc: string
}

export class CodeIndex {
  readonly announcements: Announcement[] = []
  private readonly reports = new Map<string, CodeReportBody & { hlc: string }>()

  add (e: NodeEvent): void {
    if (e.type === 'code_announce') {
      if (this.announcements.some(a => a.sha === e.body.sha && a.origin === e.origin && a.hlc === e.hlc)) return
      this.announcements.push({ ...e.body, origin: e.origin, hlc: e.hlc })
      this.announcements.sort((a, b) => a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : 0)
    } else if (e.type === 'code_report') {
      const key = `${e.origin}\u0000${e.body.role}`
      const prev = this.reports.get(key)
      if (prev == null || prev.hlc < e.hlc) this.reports.set(key, { ...e.body, hlc: e.hlc })
    }
  }

  latestReport (node: string, role: string): (CodeReportBody & { hlc: string }) | null {
    return this.reports.get(`${node}\u0000${role}`) ?? null
  }

  /** Nodes whose latest report for any role says they applied `sha` (they can serve its bundle). */
  holdersOf (sha: string): string[] {
    const out = new Set<string>()
    for (const [key, r] of this.reports) if (r.sha === sha && (r.status === 'applied' || r.status === 'rolled_back')) out.add(key.split('\u0000')[0])
    return [...out]
  }

  /**
   * Announcements with stale terms are ignored (fencing): one is kept only if no announcement
   * before it (in HLC order) carried a higher term.
   */
  fenced (): Announcement[] {
    let maxTerm = 0
    const out: Announcement[] = []
    for (const a of this.announcements) {
      if (a.term < maxTerm) continue
      maxTerm = a.term
      if (!out.some(o => o.sha === a.sha)) out.push(a)
    }
    return out
  }
}
