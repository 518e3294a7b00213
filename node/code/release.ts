/**
 * The release layout of a role on a node: `<target>/releases/<sha>/` and a `current` symlink that
 * is swapped atomically (symlink to a temp name, then rename over `current`). The running version
 * is read back from the link itself, never assumed (the predecessor's version drift, #889/#918).
 */
import { existsSync } from 'node:fs'
import { mkdir, readdir, readlink, rename, rm, stat, symlink } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { retained, type Aged } from './retention.js'

export function releasesDir (target: string): string {
  return join(target, 'releases')
}

export function releaseDir (target: string, sha: string): string {
  return join(releasesDir(target), sha)
}

export async function runningSha (target: string): Promise<string | null> {
  try {
    const link = await readlink(join(target, 'current'))
    const sha = basename(link)
    return /^[0-9a-f]{40}$/.test(sha) ? sha : null
  } catch {
    return null
  }
}

export async function swapCurrent (target: string, sha: string): Promise<void> {
  await mkdir(target, { recursive: true })
  const tmp = join(target, `current.tmp-${process.pid}`)
  await rm(tmp, { force: true })
  await symlink(join('releases', sha), tmp)
  await rename(tmp, join(target, 'current'))
}

export function hasRelease (target: string, sha: string): boolean {
  return existsSync(releaseDir(target, sha))
}

/** Keeps the newest `keep` releases plus the running and previous ones. */
export async function pruneReleases (target: string, keepShas: string[], keep = 5): Promise<void> {
  const dir = releasesDir(target)
  if (!existsSync(dir)) return
  const entries = await agedEntries(dir, n => /^[0-9a-f]{40}$/.test(n))
  const kept = retained(entries, keepShas, keep)
  for (const { name } of entries) {
    if (!kept.has(name)) await rm(join(dir, name), { recursive: true, force: true })
  }
}

/** The entries of `dir` whose names pass `filter`, with their modification times. */
export async function agedEntries (dir: string, filter: (name: string) => boolean): Promise<Aged[]> {
  if (!existsSync(dir)) return []
  const names = (await readdir(dir)).filter(filter)
  const out: Aged[] = []
  for (const name of names) {
    try { out.push({ name, mtimeMs: (await stat(join(dir, name))).mtimeMs }) } catch {} // gone meanwhile
  }
  return out
}
