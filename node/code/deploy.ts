/**
 * Applies a commit to one role on this node: get the commit (own repo, cache, or a bundle from a
 * peer), write the role's source paths into `releases/<sha>`, run the pre-sync command, swap
 * `current`, run post-sync, restart if the role says so, health-check, and on failure swap back.
 */
import { rename, rm } from 'node:fs/promises'
import type { RoleDefinition } from '../../protocol/types.js'
import { resolveTargetPath } from '../roles/index.js'
import { exportTree } from './git.js'
import { hasRelease, releaseDir, runningSha, swapCurrent, pruneReleases } from './release.js'

export interface DeployComponents {
  stateDir: string
  /** Makes sure the cache repo holds `sha` (fetching a bundle if needed). */
  obtain: (sha: string) => Promise<void>
  cacheRepo: string
  run: (command: string, cwd: string) => Promise<{ ok: boolean, output: string }>
  restart: (role: RoleDefinition) => Promise<{ ok: boolean, output: string }>
  check: (role: RoleDefinition) => Promise<{ ok: boolean, detail: string }>
}

export type DeployOutcome =
  | { status: 'applied', running: string }
  | { status: 'failed', reason: string, running: string | null }
  | { status: 'rolled_back', reason: string, running: string | null }

export async function deployRole (role: RoleDefinition, sha: string, c: DeployComponents): Promise<DeployOutcome> {
  const target = resolveTargetPath(role, c.stateDir)
  const previous = await runningSha(target)
  try {
    if (!hasRelease(target, sha)) {
      await c.obtain(sha)
      const tmp = `${releaseDir(target, sha)}.tmp-${process.pid}`
      await exportTree(c.cacheRepo, sha, role.sourcePaths, tmp)
      await rm(releaseDir(target, sha), { recursive: true, force: true })
      await rename(tmp, releaseDir(target, sha))
    }
  } catch (err: any) {
    return { status: 'failed', reason: `fetch/export: ${String(err?.message ?? err)}`, running: previous }
  }
  const rel = releaseDir(target, sha)
  if (role.preSyncCommand != null && role.preSyncCommand !== '') {
    const pre = await c.run(role.preSyncCommand, rel)
    if (!pre.ok) return { status: 'failed', reason: `pre-sync command failed: ${pre.output.slice(-300)}`, running: previous }
  }
  await swapCurrent(target, sha)
  const problem = await afterSwap(role, rel, c)
  if (problem == null) {
    await pruneReleases(target, [sha, ...(previous != null ? [previous] : [])]).catch(() => {})
    return { status: 'applied', running: (await runningSha(target)) ?? sha }
  }
  if (previous != null) {
    await swapCurrent(target, previous)
    if (role.autoRestart) await c.restart(role)
    return { status: 'rolled_back', reason: `${problem}; back on ${previous.slice(0, 12)}`, running: await runningSha(target) }
  }
  return { status: 'failed', reason: problem, running: await runningSha(target) }
}

async function afterSwap (role: RoleDefinition, rel: string, c: DeployComponents): Promise<string | null> {
  if (role.postSyncCommand != null && role.postSyncCommand !== '') {
    const post = await c.run(role.postSyncCommand, rel)
    if (!post.ok) return `post-sync command failed: ${post.output.slice(-300)}`
  }
  if (role.autoRestart) {
    const r = await c.restart(role)
    if (!r.ok) return `restart failed: ${r.output.slice(-300)}`
  }
  const health = await c.check(role)
  return health.ok ? null : `health check failed: ${health.detail}`
}
