/**
 * Git plumbing for code distribution, through simple-git's `raw` (it has no bundle helpers:
 * PITFALLS). Bundles need a ref (`git bundle create x <sha>` refuses an "empty bundle"), and
 * fetched bundles are checked with fsck and must resolve to exactly the announced sha.
 */
import { mkdir, rm, rename } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { dirname } from 'node:path'
import { simpleGit, type SimpleGit } from 'simple-git'
import { SlmError } from '../../protocol/errors.js'

export class CodeError extends SlmError {
  constructor (code: string, message: string) {
    super(code, message)
    this.name = 'CodeError'
  }
}

export interface CommitInfo {
  sha: string
  branch: string
  author: string
  message: string
  committedAt: number
  changedPaths: string[]
}

const SHA = /^[0-9a-f]{40}$/

function git (dir: string): SimpleGit {
  return simpleGit({ baseDir: dir, maxConcurrentProcesses: 4, timeout: { block: 120_000 } })
}

export async function commitInfo (repo: string, rev = 'HEAD'): Promise<CommitInfo> {
  const g = git(repo)
  const sha = (await g.raw(['rev-parse', '--verify', `${rev}^{commit}`])).trim()
  const meta = (await g.raw(['show', '-s', '--format=%an <%ae>%x00%ct%x00%B', sha])).split('\0')
  let branch = ''
  try { branch = (await g.raw(['symbolic-ref', '--short', '-q', 'HEAD'])).trim() } catch {}
  // --root so the first commit lists its files too; -m for merges is noisy, use first-parent diff.
  const paths = (await g.raw(['diff-tree', '--no-commit-id', '--name-only', '-r', '--root', '-m', '--first-parent', sha])).split('\n').map(s => s.trim()).filter(Boolean)
  return {
    sha,
    branch: branch || 'HEAD',
    author: (meta[0] ?? '').slice(0, 200),
    committedAt: Number(meta[1] ?? 0) * 1000,
    message: (meta[2] ?? '').trim().slice(0, 2000),
    changedPaths: [...new Set(paths)].slice(0, 1000)
  }
}

let bundleSeq = 0

/**
 * Writes a bundle holding `sha` and its history to `out` (atomically). Safe to run concurrently
 * for one sha and one path (the holder deploys and serves peers at once): each call writes its own
 * temp file, and a ref another call already set to `sha` is fine.
 */
export async function createBundle (repo: string, sha: string, out: string): Promise<void> {
  if (!SHA.test(sha)) throw new CodeError('ERR_BAD_SHA', `'${sha}' is not a full 40-hex commit sha`)
  const g = git(repo)
  const ref = `refs/slm/${sha}`
  try {
    await g.raw(['update-ref', ref, sha])
  } catch (err) {
    // Lost a race for the ref lock: fine if the winner wrote the same value.
    const now = await g.raw(['rev-parse', '-q', '--verify', ref]).catch(() => '')
    if (now.trim() !== sha) throw err
  }
  await mkdir(dirname(out), { recursive: true })
  const tmp = `${out}.tmp-${process.pid}-${++bundleSeq}`
  try {
    await g.raw(['bundle', 'create', tmp, ref])
    await rename(tmp, out)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}

/** A bare cache repo that holds every commit this node fetched. */
export async function ensureCacheRepo (dir: string): Promise<void> {
  if (existsSync(dir)) return
  await mkdir(dir, { recursive: true })
  await git(dir).raw(['init', '--bare', '-q'])
}

/**
 * Fetches the bundle into the cache with fsck; the ref must be exactly `sha`. The bundle's heads
 * are read before anything is fetched, so a bundle for another commit (a wrong or lying peer)
 * leaves the cache untouched: not even unreachable objects land in it.
 */
export async function importBundle (cache: string, bundle: string, sha: string): Promise<void> {
  if (!SHA.test(sha)) throw new CodeError('ERR_BAD_SHA', `'${sha}' is not a full 40-hex commit sha`)
  const g = git(cache)
  const ref = `refs/slm/${sha}`
  let heads: string
  try {
    heads = await g.raw(['bundle', 'list-heads', bundle])
  } catch (err: any) {
    throw new CodeError('ERR_BAD_BUNDLE', `bundle for ${sha.slice(0, 12)} is unreadable: ${firstLine(err)}`)
  }
  const named = heads.split('\n').map(l => l.trim().split(/\s+/)).find(([, name]) => name === ref)
  if (named == null) throw new CodeError('ERR_BAD_BUNDLE', `bundle has no ${ref} head (it was made for another commit)`)
  if (named[0] !== sha) throw new CodeError('ERR_SHA_MISMATCH', `bundle content is ${named[0].slice(0, 12)}, not the requested ${sha.slice(0, 12)}`)
  try {
    await g.raw(['bundle', 'verify', '-q', bundle])
    await g.raw(['-c', 'transfer.fsckObjects=true', '-c', 'fetch.fsckObjects=true', 'fetch', '-q', '--no-tags', bundle, `+${ref}:${ref}`])
  } catch (err: any) {
    throw new CodeError('ERR_BAD_BUNDLE', `bundle for ${sha.slice(0, 12)} does not verify: ${firstLine(err)}`)
  }
  const got = (await g.raw(['rev-parse', '--verify', `${ref}^{commit}`])).trim()
  if (got !== sha) {
    await g.raw(['update-ref', '-d', ref]).catch(() => {})
    throw new CodeError('ERR_SHA_MISMATCH', `bundle content is ${got.slice(0, 12)}, not the requested ${sha.slice(0, 12)}`)
  }
}

function firstLine (err: any): string {
  return String(err?.message ?? err).trim().split('\n')[0]
}

export async function hasCommit (repoOrCache: string, sha: string): Promise<boolean> {
  if (!existsSync(repoOrCache)) return false
  try {
    await git(repoOrCache).raw(['cat-file', '-e', `${sha}^{commit}`])
    return true
  } catch {
    return false
  }
}

/** Writes the role's source paths at `sha` into `dest` (a fresh directory). */
export async function exportTree (cache: string, sha: string, paths: string[], dest: string): Promise<void> {
  await rm(dest, { recursive: true, force: true })
  await mkdir(dest, { recursive: true })
  const g = git(cache)
  const wanted = paths.length === 0 ? ['.'] : paths
  // Only paths that exist at sha: a role may list a source path the commit does not have yet.
  const present: string[] = []
  for (const p of wanted) {
    try {
      await g.raw(['cat-file', '-e', `${sha}:${p === '.' ? '' : p.replace(/\/+$/, '')}`])
      present.push(p)
    } catch {}
  }
  if (present.length === 0) return
  await archiveInto(cache, sha, present.includes('.') ? [] : present, dest)
}

/** `git archive <sha> -- paths | tar -x -C dest`, without a shell. */
async function archiveInto (cache: string, sha: string, paths: string[], dest: string): Promise<void> {
  const { spawn } = await import('node:child_process')
  await new Promise<void>((resolve, reject) => {
    const archive = spawn('git', ['--git-dir', cache, 'archive', '--format=tar', sha, '--', ...paths], { stdio: ['ignore', 'pipe', 'pipe'] })
    const tar = spawn('tar', ['-x', '-C', dest], { stdio: ['pipe', 'ignore', 'pipe'] })
    let err = ''
    archive.stderr.on('data', (b: Buffer) => { err += b.toString() })
    tar.stderr.on('data', (b: Buffer) => { err += b.toString() })
    archive.stdout.pipe(tar.stdin)
    let pending = 2
    const done = (code: number | null): void => {
      if (code !== 0) { reject(new CodeError('ERR_EXPORT', `exporting ${sha.slice(0, 12)} failed: ${err.trim().split('\n')[0]}`)); return }
      if (--pending === 0) resolve()
    }
    archive.on('close', done)
    tar.on('close', done)
    archive.on('error', reject)
    tar.on('error', reject)
  })
}
