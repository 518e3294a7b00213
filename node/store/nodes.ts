/**
 * Node records as readers see them: the persisted, event-derived record plus the latest heartbeat
 * (ephemeral, kept in memory only) and the fleet registers that assign roles and tags. Both
 * conventions are read: `assign/<entry>/<role>` and `tag/<entry>/<tag>` (one register per pair,
 * as node/commands writes them, so concurrent assignments never clobber each other; `<entry>` is
 * `*`, a node id or name, `role:R` or `tag:T`) and whole lists in `assign/<nodeId>` / `tags/<nodeId>`.
 */
import type { DetectedRole, Heartbeat, Register } from '../../protocol/types.js'
import { entryCovers } from '../commands/index.js'
import { effectiveRoles } from '../roles/index.js'
import type { NodeRecord, StoredNode } from './types.js'

export interface Beat { hb: Heartbeat, at: number }

interface Pair { entry: string, name: string }

/** The live assignment registers, split once per read so listing N nodes costs one scan; shared, so read-only. */
export interface Assignments { readonly assign: readonly Pair[], readonly tags: readonly Pair[] }

export function assignments (assignRegs: Register[], tagRegs: Register[]): Assignments {
  return { assign: pairs(assignRegs, 'assign/'), tags: pairs(tagRegs, 'tag/', 'tags/') }
}

function pairs (regs: Register[], prefix: string, listPrefix = prefix): Pair[] {
  const out: Pair[] = []
  for (const r of regs) {
    if (r.value == null) continue
    if (Array.isArray(r.value) && r.key.startsWith(listPrefix)) {
      const entry = r.key.slice(listPrefix.length)
      for (const name of r.value) if (typeof name === 'string') out.push({ entry, name })
      continue
    }
    const rest = r.key.slice(prefix.length)
    const cut = rest.lastIndexOf('/')
    if (r.key.startsWith(prefix) && cut > 0) out.push({ entry: rest.slice(0, cut), name: rest.slice(cut + 1) })
  }
  return out
}

/** A node's tags and roles as the fleet registers and its own heartbeat make them. */
export interface Membership { tags: string[], assignedRoles: string[], roles: string[] }

/**
 * Tags first (its own, then the fleet's that cover it), since a role-scoped assignment may name a
 * tag; then the roles assigned to it, merged with what it detects running. One rule for the
 * store's node records and the daemon's node views.
 */
export function membership (node: { id: string, name: string }, hb: { tags?: string[], detectedRoles?: Record<string, DetectedRole> } | null | undefined, fleet: Assignments): Membership {
  const detected = hb?.detectedRoles ?? {}
  const ownTags = hb?.tags ?? []
  const tags = [...new Set([...ownTags, ...fleet.tags.filter(t => entryCovers(t.entry, { id: node.id, name: node.name, roles: [], tags: ownTags })).map(t => t.name)])].sort()
  const active = Object.entries(detected).filter(([, d]) => d.status === 'active').map(([r]) => r)
  const subject = { id: node.id, name: node.name, roles: active, tags }
  const assignedRoles = [...new Set(fleet.assign.filter(a => entryCovers(a.entry, subject)).map(a => a.name))].sort()
  return { tags, assignedRoles, roles: effectiveRoles(assignedRoles, detected) }
}

export function nodeRecord (stored: StoredNode, beat: Beat | undefined, fleet: Assignments): NodeRecord {
  const hb = beat?.hb ?? null
  const name = hb?.name ?? stored.name
  return {
    ...stored,
    name,
    // The node's own reading of its `current` releases is fresher than its last code_report.
    versions: { ...stored.versions, ...(hb?.versions ?? {}) },
    lastHeartbeat: beat?.at ?? null,
    heartbeat: hb,
    ...membership({ id: stored.id, name }, hb, fleet)
  }
}
