/**
 * Fleet data written by commands: each fleet action becomes last-writer-wins register writes
 * ordered by (issuedAt HLC, command id), so every replica ends in the same state whatever order
 * commands arrive in. Pure: current values are read through `get`.
 *
 * Node-scoped keys name the literal target entry (a node id; the CLI resolves names to ids when it
 * can) so every replica derives the same key without needing to know the same set of nodes.
 */
import type { CommandEnvelope, DesiredCode, Register, Target } from '../../protocol/types.js'

export type RegisterReader = (key: string) => unknown

/** Register key entries for a target: one per listed node, or one for the whole selector. */
export function targetEntries (target: Target): string[] {
  switch (target.kind) {
    case 'all': return ['*']
    case 'nodes': return [...new Set(target.nodes)]
    case 'role': return [`role:${target.role}`]
    case 'tag': return [`tag:${target.tag}`]
  }
}

export function fleetWrites (cmd: CommandEnvelope, get: RegisterReader): Register[] {
  const p = cmd.params as Record<string, any>
  const reg = (key: string, value: unknown): Register => ({ key, value, hlc: cmd.issuedAt, commandId: cmd.id })
  switch (cmd.action) {
    case 'trust_add': return [reg(`trust/${p.key}`, { key: p.key, name: p.name, role: p.role })]
    case 'trust_remove': return [reg(`trust/${p.key}`, null)]
    case 'role_define': return [reg(`role/${p.role.name}`, p.role)]
    case 'role_delete': return [reg(`role/${p.name}`, null)]
    case 'role_assign': return targetEntries(cmd.target).map(e => reg(`assign/${e}/${p.role}`, true))
    case 'role_unassign': return targetEntries(cmd.target).map(e => reg(`assign/${e}/${p.role}`, null))
    case 'tag_add': return targetEntries(cmd.target).map(e => reg(`tag/${e}/${p.tag}`, true))
    case 'tag_remove': return targetEntries(cmd.target).map(e => reg(`tag/${e}/${p.tag}`, null))
    case 'admission_policy': return [reg('policy/admission', p.policy)]
    case 'code_source_pin': return [reg('codesource/pin', p.node)]
    case 'code_source_unpin': return [reg('codesource/pin', null)]
    case 'maintenance_schedule':
      return [reg(`window/${p.id}`, { id: p.id, nodes: targetEntries(cmd.target), start: p.start, end: p.end, type: p.type, reason: p.reason })]
    case 'maintenance_cancel': return [reg(`window/${p.id}`, null)]
    case 'code_sync': {
      const prev = get(`desired/${p.role}`) as DesiredCode | null | undefined
      const value: DesiredCode = { role: p.role, sha: p.commit, strategy: p.strategy ?? 'all-at-once', batch: p.batch ?? 1, paused: false }
      if (prev?.sha != null && prev.sha !== p.commit) value.previous = prev.sha
      else if (prev?.previous != null) value.previous = prev.previous
      return [reg(`desired/${p.role}`, value)]
    }
    case 'code_pause':
    case 'code_resume': {
      const prev = get(`desired/${p.role}`) as DesiredCode | null | undefined
      if (prev == null) return []
      return [reg(`desired/${p.role}`, { ...prev, paused: cmd.action === 'code_pause' })]
    }
    case 'code_rollback': {
      const prev = get(`desired/${p.role}`) as DesiredCode | null | undefined
      if (prev?.previous == null) return []
      return [reg(`desired/${p.role}`, { ...prev, sha: prev.previous, previous: prev.sha, paused: false })]
    }
    default:
      return []
  }
}

/** Does a node-scoped register entry (`*`, a node id or name, `role:R`, `tag:T`) cover this node? */
export function entryCovers (entry: string, node: { id: string, name: string, roles: readonly string[], tags: readonly string[] }): boolean {
  if (entry === '*') return true
  if (entry.startsWith('role:')) return node.roles.includes(entry.slice(5))
  if (entry.startsWith('tag:')) return node.tags.includes(entry.slice(4))
  return entry === node.id || entry === node.name
}
