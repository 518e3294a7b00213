/**
 * Role detection (seed 001, "Auto-Discovery Logic"):
 *   path + service (+ port) -> active;  path only -> inactive;  nothing -> not_installed.
 * and the running version per role, read from the release the role's `current` symlink points at.
 * The filesystem half is async and cached by the collector; the decision is a pure function.
 */
import { access, readFile, readlink } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, resolve } from 'node:path'
import type { DetectedRole, ListeningPort, RoleDefinition, ServiceState } from '../../protocol/types.js'
import { resolveTargetPath } from '../roles/index.js'

/** What the filesystem says about one role. */
export interface RoleFiles {
  /** The path whose existence marks the role installed: detectPath, else the target path. */
  path: string
  pathExists: boolean
  version?: string
}

export function detectPathOf (role: RoleDefinition, stateDir: string): string {
  if (role.detectPath == null || role.detectPath === '') return resolveTargetPath(role, stateDir)
  return isAbsolute(role.detectPath) ? role.detectPath : resolve(stateDir, role.detectPath)
}

async function readTrimmed (file: string): Promise<string | undefined> {
  try {
    const text = (await readFile(file, 'utf8')).trim().split('\n')[0]?.trim()
    return text === '' ? undefined : text
  } catch {
    return undefined
  }
}

/**
 * The version running under a target path. Deploys write `releases/<sha>` and swap `current` to
 * it (DESIGN.md, Code source), so the symlink's target names the commit; a `VERSION` file inside
 * `current` (or the target path, for roles installed by hand) is the fallback.
 */
export async function readVersion (targetPath: string): Promise<string | undefined> {
  const current = join(targetPath, 'current')
  try {
    const link = await readlink(current)
    const release = resolve(targetPath, link)
    if (basename(dirname(release)) === 'releases') return basename(release)
  } catch {}
  return await readTrimmed(join(current, 'VERSION')) ?? await readTrimmed(join(targetPath, 'VERSION'))
}

async function exists (path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}

export async function probeRoleFiles (roles: readonly RoleDefinition[], stateDir: string): Promise<Map<string, RoleFiles>> {
  const entries = await Promise.all(roles.map(async (role): Promise<[string, RoleFiles]> => {
    const path = detectPathOf(role, stateDir)
    const [pathExists, version] = await Promise.all([exists(path), readVersion(resolveTargetPath(role, stateDir))])
    const files: RoleFiles = { path, pathExists }
    if (version != null) files.version = version
    return [role.name, files]
  }))
  return new Map(entries)
}

/**
 * Decides one role's status. "Service running" means one of its units is active; where systemd
 * cannot tell (no units listed, or no systemd at all) a process listening on one of the role's
 * ports is the evidence instead, so detection still works in containers and local test fleets.
 */
export function detectRole (role: RoleDefinition, files: RoleFiles, services: ServiceState[], listening: ListeningPort[]): DetectedRole {
  const open = new Set(listening.map(p => p.port))
  const ports = role.ports.filter(p => open.has(p))
  const units = services.filter(s => role.systemdServices.includes(s.name))
  const known = units.filter(s => s.activeState !== 'unknown')
  const active = known.find(s => s.activeState === 'active')
  const serviceRunning = known.length > 0 ? active != null : ports.length > 0
  const status = !files.pathExists ? 'not_installed' : serviceRunning ? 'active' : 'inactive'
  const detected: DetectedRole = { status, pathExists: files.pathExists, path: files.path, serviceRunning, ports }
  const service = active?.name ?? role.systemdServices[0]
  if (service != null) detected.service = service
  if (files.version != null) detected.version = files.version
  return detected
}

export function detectRoles (roles: readonly RoleDefinition[], files: Map<string, RoleFiles>, services: ServiceState[], listening: ListeningPort[]): Record<string, DetectedRole> {
  const out: Record<string, DetectedRole> = {}
  for (const role of roles) {
    const f = files.get(role.name)
    // A role defined since the last filesystem probe: unknown until the next one, so not installed.
    out[role.name] = detectRole(role, f ?? { path: '', pathExists: false }, services, listening)
  }
  return out
}
