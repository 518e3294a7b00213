/**
 * Git plumbing for code distribution: simple-git's `raw` for single commands (it has no bundle
 * helpers: PITFALLS), plain pipelines where bytes stream. What travels is a snapshot bundle (the
 * commit and its tree, bundle-header.ts); a fetched one is indexed with fsck in quarantine and
 * must hold exactly the announced sha before the cache takes it.
 */
import { mkdir, mkdtemp, open, readdir, readFile, rm, rename, writeFile } from 'node:fs/promises'
import { createReadStream, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { Readable } from 'node:stream'
import { simpleGit, type SimpleGit } from 'simple-git'
import { runPipeline } from '../exec/pipeline.js'
import { MAX_HEADER_BYTES, parseBundleHeader, snapshotHeader, snapshotRef, type BundleHeader } from './bundle-header.js'
import { CodeError } from './errors.js'

export { CodeError }

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
 * Writes a snapshot bundle of `sha` to `out` (atomically): the commit and its whole tree, its
 * parents named as prerequisites, no history. A node needs the files at the commit, not every
 * version before it (a repo with 50 MiB of history and a 1 MiB tree ships 1 MiB), and git still
 * reads the file as a bundle. Safe to run concurrently for one sha and one path (the holder
 * deploys and serves peers at once): each call writes its own temp file. Works from a shallow
 * cache too, so a node that fetched a commit can serve it.
 */
export async function createBundle (repo: string, sha: string, out: string): Promise<void> {
  if (!SHA.test(sha)) throw new CodeError('ERR_BAD_SHA', `'${sha}' is not a full 40-hex commit sha`)
  const g = git(repo)
  let raw: string
  try {
    raw = await g.raw(['cat-file', 'commit', sha])
  } catch (err) {
    throw new CodeError('ERR_NO_COMMIT', `${sha.slice(0, 12)} is not a commit in ${repo}: ${firstLine(err)}`)
  }
  // From the commit object itself: in a shallow cache rev-list would report no parents.
  const parents = raw.slice(0, raw.indexOf('\n\n')).split('\n').filter(l => l.startsWith('parent ')).map(l => l.slice(7).trim())
  await mkdir(dirname(out), { recursive: true })
  const tmp = `${out}.tmp-${process.pid}-${++bundleSeq}`
  try {
    const file = await open(tmp, 'w')
    try {
      await file.write(snapshotHeader(sha, parents))
      // pack-objects writes straight into the file after the header (they share the offset).
      await runPipeline([
        ['git', ['-C', repo, 'rev-list', '--objects', '--no-walk', sha]],
        ['git', ['-C', repo, 'pack-objects', '--stdout', '-q']]
      ], { output: file.fd, what: `bundling ${sha.slice(0, 12)}` })
    } finally {
      await file.close()
    }
    await rename(tmp, out)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}

/** A bare cache repo that holds every commit this node fetched (shallow: no history). */
export async function ensureCacheRepo (dir: string): Promise<void> {
  if (existsSync(dir)) return
  await mkdir(dir, { recursive: true })
  await git(dir).raw(['init', '--bare', '-q'])
}

/** Imports and prunes of one cache run one at a time: they share its `shallow` file and packs. */
const cacheQueue = new Map<string, Promise<void>>()

async function serially (cache: string, work: () => Promise<void>): Promise<void> {
  const before = cacheQueue.get(cache) ?? Promise.resolve()
  const run = before.catch(() => {}).then(work)
  cacheQueue.set(cache, run)
  try {
    await run
  } finally {
    if (cacheQueue.get(cache) === run) cacheQueue.delete(cache)
  }
}

/**
 * Imports a bundle (a snapshot, or a full-history bundle from `git bundle create`) into the
 * cache; it must hold exactly `sha`. The header is read before anything else, so a bundle made
 * for another commit is refused at once. The pack is indexed with `--strict` (every object
 * hashed and fsck-checked, the commit's tree complete) into a quarantine directory and moves into
 * the cache only if it holds `sha`: a wrong or lying bundle leaves the cache untouched, not even
 * unreachable objects.
 */
export async function importBundle (cache: string, bundle: string, sha: string): Promise<void> {
  if (!SHA.test(sha)) throw new CodeError('ERR_BAD_SHA', `'${sha}' is not a full 40-hex commit sha`)
  await serially(cache, async () => { await importSerially(cache, bundle, sha) })
}

/**
 * Drops every cached commit not in `keep` (its ref, then its objects and shallow entry through
 * `git gc --prune=now`): each snapshot is a whole tree, so a cache that kept them all would grow
 * by one tree per deploy. Returns how many commits went.
 */
export async function pruneCache (cache: string, keep: ReadonlySet<string>): Promise<number> {
  if (!existsSync(cache)) return 0
  let dropped = 0
  await serially(cache, async () => {
    const g = git(cache)
    const refs = (await g.raw(['for-each-ref', '--format=%(refname)', 'refs/slm/'])).split('\n').filter(Boolean)
    const gone = refs.filter(r => !keep.has(r.slice('refs/slm/'.length)))
    if (gone.length === 0) return
    await runPipeline([['git', ['--git-dir', cache, 'update-ref', '--stdin']]], { input: Readable.from([gone.map(r => `delete ${r}\n`).join('')]), what: 'dropping cached commits' })
    await g.raw(['-c', 'gc.auto=0', 'gc', '--prune=now', '--quiet'])
    dropped = gone.length
  })
  return dropped
}

async function importSerially (cache: string, bundle: string, sha: string): Promise<void> {
  const header = await readHeader(bundle, sha)
  const ref = snapshotRef(sha)
  const named = header.refs.get(ref)
  if (named == null) throw new CodeError('ERR_BAD_BUNDLE', `bundle has no ${ref} head (it was made for another commit)`)
  if (named !== sha) throw new CodeError('ERR_SHA_MISMATCH', `bundle content is ${named.slice(0, 12)}, not the requested ${sha.slice(0, 12)}`)
  const g = git(cache)
  if (await hasCommit(cache, sha)) {
    await g.raw(['update-ref', ref, sha])
    return
  }
  const objects = join(cache, 'objects')
  const quarantine = await mkdtemp(join(objects, 'incoming-'))
  const env = { ...process.env, GIT_OBJECT_DIRECTORY: quarantine, GIT_ALTERNATE_OBJECT_DIRECTORIES: objects }
  // The commit is a shallow boundary before the pack is checked: --strict then requires its whole
  // tree but not its parents.
  const added = await editShallow(cache, sha, 'add')
  try {
    await mkdir(join(quarantine, 'pack'))
    await runPipeline([['git', ['--git-dir', cache, 'index-pack', '--stdin', '--strict']]], {
      input: createReadStream(bundle, { start: header.packOffset }), env, code: 'ERR_BAD_BUNDLE', what: `bundle for ${sha.slice(0, 12)} does not verify`
    })
    try {
      await runPipeline([['git', ['--git-dir', cache, 'cat-file', '-e', `${sha}^{commit}`]]], { env, what: 'commit lookup' })
    } catch {
      throw new CodeError('ERR_SHA_MISMATCH', `bundle content does not hold ${sha.slice(0, 12)}`)
    }
    // The index last: git only sees a pack once its .idx is there.
    const files = (await readdir(join(quarantine, 'pack'))).sort((a, b) => Number(a.endsWith('.idx')) - Number(b.endsWith('.idx')))
    await mkdir(join(objects, 'pack'), { recursive: true })
    for (const f of files) await rename(join(quarantine, 'pack', f), join(objects, 'pack', f))
    await g.raw(['update-ref', ref, sha])
  } catch (err) {
    if (added) await editShallow(cache, sha, 'remove').catch(() => {})
    throw err
  } finally {
    await rm(quarantine, { recursive: true, force: true })
  }
}

async function readHeader (bundle: string, sha: string): Promise<BundleHeader> {
  let head: Buffer
  try {
    const file = await open(bundle, 'r')
    try {
      const buf = Buffer.alloc(MAX_HEADER_BYTES)
      const { bytesRead } = await file.read(buf, 0, buf.length, 0)
      head = buf.subarray(0, bytesRead)
    } finally {
      await file.close()
    }
  } catch (err) {
    throw new CodeError('ERR_BAD_BUNDLE', `bundle for ${sha.slice(0, 12)} is unreadable: ${firstLine(err)}`)
  }
  return parseBundleHeader(head)
}

/** Adds or removes `sha` in the cache's `shallow` list (temp file + rename); true if it changed. */
async function editShallow (cache: string, sha: string, op: 'add' | 'remove'): Promise<boolean> {
  const path = join(cache, 'shallow')
  const list = existsSync(path) ? (await readFile(path, 'utf8')).split('\n').filter(Boolean) : []
  const has = list.includes(sha)
  if (has === (op === 'add')) return false
  const next = op === 'add' ? [...list, sha] : list.filter(s => s !== sha)
  if (next.length === 0) { await rm(path, { force: true }); return true }
  const tmp = `${path}.tmp-${process.pid}`
  await writeFile(tmp, next.map(s => `${s}\n`).join(''))
  await rename(tmp, path)
  return true
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

/**
 * Writes the role's source paths at `sha` into `dest` (a fresh directory). A role may list a
 * source path the commit does not have (yet): `git archive` refuses a path that matches nothing,
 * so only then is each path looked up and the archive made of those present. The usual deploy
 * spawns one archive, not a lookup per path first (each spawn forks the daemon).
 */
export async function exportTree (cache: string, sha: string, paths: string[], dest: string): Promise<void> {
  const fresh = async (): Promise<void> => {
    await rm(dest, { recursive: true, force: true })
    await mkdir(dest, { recursive: true })
  }
  await fresh()
  const wanted = paths.length === 0 ? ['.'] : paths
  const all = (list: string[]): string[] => list.includes('.') ? [] : list
  try {
    await archiveInto(cache, sha, all(wanted), dest)
    return
  } catch {}
  const g = git(cache)
  const present: string[] = []
  for (const p of wanted) {
    try {
      await g.raw(['cat-file', '-e', `${sha}:${p === '.' ? '' : p.replace(/\/+$/, '')}`])
      present.push(p)
    } catch {}
  }
  await fresh()
  if (present.length === 0) return
  await archiveInto(cache, sha, all(present), dest)
}

/** `git archive <sha> -- paths | tar -x -C dest`, without a shell. */
async function archiveInto (cache: string, sha: string, paths: string[], dest: string): Promise<void> {
  await runPipeline([
    ['git', ['--git-dir', cache, 'archive', '--format=tar', sha, '--', ...paths]],
    ['tar', ['-x', '-C', dest]]
  ], { code: 'ERR_EXPORT', what: `exporting ${sha.slice(0, 12)} failed` })
}
