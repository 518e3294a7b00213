/** Fleet-wide audit trail and command results, read from every origin's log in the replica. */
import type { AuditItem, CommandResultView } from '../../protocol/control.js'
import { hlcMs } from '../../protocol/hlc.js'
import type { NodeEvent } from '../../protocol/types.js'
import type { Daemon } from './daemon.js'

/** Every retained event of every origin, optionally of one type. Bounded by retention. */
export function allEvents (d: Daemon, type?: string): NodeEvent[] {
  const out: NodeEvent[] = []
  for (const [origin, range] of Object.entries(d.store.syncDigest().origins)) {
    for (const e of d.store.eventsFrom(origin, range.min, range.max - range.min + 1)) {
      if (type == null || e.type === type) out.push(e)
    }
  }
  return out
}

function summary (e: NodeEvent): string {
  switch (e.type) {
    case 'transition': return `${e.body.from} -> ${e.body.to}${e.body.comment != null ? ` (${e.body.comment})` : ''}`
    case 'command_result': return `${e.body.action} ${e.body.commandId}: ${e.body.status}${e.body.reason != null ? ` (${e.body.reason})` : ''}`
    case 'code_announce': return `commit ${e.body.sha.slice(0, 12)} on ${e.body.branch}: ${e.body.message.split('\n')[0]}`
    case 'install': return `install ${e.body.role ?? ''} ${e.body.phase} (attempt ${e.body.attempt})${e.body.message != null ? `: ${e.body.message}` : ''}`
    case 'remediation': return `restart ${e.body.service} for ${e.body.role} (attempt ${e.body.attempt}): ${e.body.ok ? 'ok' : 'failed'}`
    case 'code_report': return `${e.body.role} ${e.body.sha.slice(0, 12)}: ${e.body.status}${e.body.reason != null ? ` (${e.body.reason})` : ''}`
  }
}

export function auditItems (d: Daemon, p: Record<string, unknown>): AuditItem[] {
  const node = typeof p.node === 'string' ? d.store.getNode(p.node) : undefined
  if (typeof p.node === 'string' && node == null) return []
  const since = typeof p.since === 'number' ? p.since : 0
  const operator = typeof p.operator === 'string' ? p.operator : undefined
  const limit = Math.min(Math.max(Number(p.limit ?? 200), 1), 10_000)
  const names = new Map(d.store.listNodes().map(n => [n.id, n.name]))
  const items: AuditItem[] = []
  for (const e of allEvents(d)) {
    if (node != null && e.origin !== node.id) continue
    const at = hlcMs(e.hlc)
    if (at < since) continue
    const op = e.type === 'transition' ? e.body.operator?.name : undefined
    if (operator != null && op !== operator) continue
    items.push({ at, hlc: e.hlc, node: e.origin, nodeName: names.get(e.origin) ?? e.origin, type: e.type, ...(op != null ? { operator: op } : {}), summary: summary(e), event: e })
  }
  items.sort((a, b) => a.hlc < b.hlc ? 1 : a.hlc > b.hlc ? -1 : 0)
  return items.slice(0, limit)
}

export function commandResults (d: Daemon, commandId?: string): CommandResultView[] {
  const names = new Map(d.store.listNodes().map(n => [n.id, n.name]))
  const out: CommandResultView[] = []
  for (const e of allEvents(d, 'command_result')) {
    if (e.type !== 'command_result') continue
    if (commandId != null && e.body.commandId !== commandId) continue
    out.push({ commandId: e.body.commandId, node: e.origin, nodeName: names.get(e.origin) ?? e.origin, status: e.body.status, ...(e.body.reason != null ? { reason: e.body.reason } : {}), at: hlcMs(e.hlc) })
  }
  return out.sort((a, b) => a.at - b.at)
}
