/**
 * Per-node role arithmetic (seed 001 "Node-Role Assignment"): assigned roles come from operators,
 * detected roles from path + service + port, effective = assigned overriding detected.
 */
import { isAbsolute, resolve } from 'node:path'
import type { DetectedRole, RoleDefinition } from '../../protocol/types.js'

/**
 * Assigned roles always count, whatever detection says (the operator overrides); detected roles
 * count only when `active`. Sorted and unique so equal inputs give equal heartbeats.
 */
export function effectiveRoles (assigned: readonly string[], detected: Readonly<Record<string, DetectedRole>>): string[] {
  const names = new Set(assigned)
  for (const [name, d] of Object.entries(detected)) {
    if (d.status === 'active') names.add(name)
  }
  return [...names].sort()
}

/** A relative target path resolves under the node's state dir (DESIGN.md, Roles). */
export function resolveTargetPath (role: Pick<RoleDefinition, 'targetPath'>, stateDir: string): string {
  return isAbsolute(role.targetPath) ? role.targetPath : resolve(stateDir, role.targetPath)
}

/** Repo-relative path in one spelling: no leading `./` or `/`, no trailing `/`. */
export function normalizeRepoPath (p: string): string {
  let s = p.replace(/\\/g, '/').trim()
  while (s.startsWith('./')) s = s.slice(2)
  s = s.replace(/^\/+/, '').replace(/\/+$/, '')
  return s === '.' ? '' : s
}

/** True when `changed` is `source` or inside it, by whole path segments (`src` does not match `src2/x`). */
export function pathWithin (changed: string, source: string): boolean {
  const c = normalizeRepoPath(changed)
  const s = normalizeRepoPath(source)
  if (s === '') return true // a role that syncs the whole repo
  return c === s || c.startsWith(s + '/')
}

/**
 * Roles whose source paths contain any of the changed paths: what a commit announcement lists as
 * affected (the predecessor's hook did this by top-level directory only). Sorted, unique.
 */
export function affectedRoles (changedPaths: readonly string[], roles: readonly RoleDefinition[]): string[] {
  const hit = new Set<string>()
  for (const role of roles) {
    if (role.sourcePaths.some((src) => changedPaths.some((ch) => pathWithin(ch, src)))) hit.add(role.name)
  }
  return [...hit].sort()
}
