import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { commitInfo, createBundle, ensureCacheRepo, exportTree, hasCommit, importBundle, pruneCache } from '../../../node/code/git.js'
import { commit, git, makeRepo, tempDir } from './fixture.js'

let repo: string
let first: string
let second: string

beforeAll(() => {
  repo = makeRepo()
  first = commit(repo, { 'app/main.txt': 'v1\n', 'web/index.html': '<p>1</p>\n', 'README': 'readme\n' }, 'first commit')
  second = commit(repo, { 'app/main.txt': 'v2\n', 'app/lib/util.txt': 'u\n' }, 'second commit\n\nwith a body')
})

const refs = (cache: string): string => git(cache, ['for-each-ref', '--format=%(refname) %(objectname)'])

describe('commitInfo', () => {
  it('reads sha, branch, author, message and the paths the commit changed', async () => {
    const info = await commitInfo(repo)
    expect(info).toMatchObject({ sha: second, branch: 'main', author: 'Ada Test <ada@example.test>', message: 'second commit\n\nwith a body' })
    expect(info.changedPaths.sort()).toEqual(['app/lib/util.txt', 'app/main.txt'])
    expect(info.committedAt).toBeGreaterThan(Date.now() - 3_600_000)
  })

  it('lists every file of a root commit', async () => {
    expect((await commitInfo(repo, first)).changedPaths.sort()).toEqual(['README', 'app/main.txt', 'web/index.html'])
  })

  it('throws on a revision that does not exist', async () => {
    await expect(commitInfo(repo, 'no-such-branch')).rejects.toThrow()
  })
})

describe('bundles', () => {
  it('refuses to bundle anything but a full sha', async () => {
    await expect(createBundle(repo, 'HEAD', join(tempDir(), 'x.bundle'))).rejects.toMatchObject({ code: 'ERR_BAD_SHA' })
  })

  it('a bundle made for a sha is a snapshot: the commit and its whole tree, not its history', async () => {
    const out = join(tempDir(), 'b', `${second}.bundle`)
    await createBundle(repo, second, out)
    expect(readdirSync(join(out, '..'))).toEqual([`${second}.bundle`]) // no temp file left behind
    const cache = join(tempDir(), 'cache.git')
    await ensureCacheRepo(cache)
    expect(await hasCommit(cache, second)).toBe(false)
    await importBundle(cache, out, second)
    expect(await hasCommit(cache, second)).toBe(true)
    expect(await hasCommit(cache, first)).toBe(false)
    // The whole tree is there (web/ did not change in `second`), and git sees a sound shallow repo.
    expect(git(cache, ['show', `${second}:web/index.html`])).toBe('<p>1</p>')
    expect(readFileSync(join(cache, 'shallow'), 'utf8')).toBe(`${second}\n`)
    git(cache, ['fsck', '--no-dangling'])
    // importing twice is harmless
    await importBundle(cache, out, second)
    expect(readFileSync(join(cache, 'shallow'), 'utf8')).toBe(`${second}\n`)
  })

  it('a snapshot is a git bundle: git verifies it where the parents exist and names them where not', () => {
    const out = join(tempDir(), 's.bundle')
    return createBundle(repo, second, out).then(() => {
      expect(git(repo, ['bundle', 'verify', '-q', out])).toBe('')
      const empty = makeRepo()
      expect(() => git(empty, ['bundle', 'verify', out])).toThrow(new RegExp(first))
      expect(git(empty, ['bundle', 'list-heads', out])).toBe(`${second} refs/slm/${second}`)
    })
  })

  it('a node serves what it fetched: a snapshot made from a shallow cache imports elsewhere', async () => {
    const a = join(tempDir(), 'a.bundle')
    await createBundle(repo, second, a)
    const cache = join(tempDir(), 'cache.git')
    await ensureCacheRepo(cache)
    await importBundle(cache, a, second)
    const b = join(tempDir(), 'b.bundle')
    await createBundle(cache, second, b)
    // Same parents named, although the cache has none of them.
    expect(readFileSync(b).subarray(0, 200).toString()).toContain(`-${first} `)
    const other = join(tempDir(), 'other.git')
    await ensureCacheRepo(other)
    await importBundle(other, b, second)
    expect(git(other, ['show', `${second}:app/lib/util.txt`])).toBe('u')
  })

  it('a full-history bundle from `git bundle create` (an older daemon) imports too', async () => {
    git(repo, ['update-ref', `refs/slm/${second}`, second])
    const out = join(tempDir(), 'full.bundle')
    git(repo, ['bundle', 'create', out, `refs/slm/${second}`])
    git(repo, ['update-ref', '-d', `refs/slm/${second}`])
    const cache = join(tempDir(), 'cache.git')
    await ensureCacheRepo(cache)
    await importBundle(cache, out, second)
    expect(await hasCommit(cache, second)).toBe(true)
    expect(await hasCommit(cache, first)).toBe(true)
  })

  it('a snapshot with an object left out of the tree is rejected and leaves nothing behind', async () => {
    // Header for `second`, pack without app/lib/util.txt's blob.
    const good = join(tempDir(), 'good.bundle')
    await createBundle(repo, second, good)
    const bytes = readFileSync(good)
    const headerEnd = bytes.indexOf('\n\n') + 2
    const blob = git(repo, ['rev-parse', `${second}:app/lib/util.txt`])
    const objects = git(repo, ['rev-list', '--objects', '--no-walk', second]).split('\n').filter(l => !l.startsWith(blob)).join('\n') + '\n'
    const pack = execFileSync('git', ['-C', repo, 'pack-objects', '--stdout', '-q'], { input: objects })
    const holed = join(tempDir(), 'holed.bundle')
    writeFileSync(holed, Buffer.concat([bytes.subarray(0, headerEnd), pack]))
    const cache = join(tempDir(), 'cache.git')
    await ensureCacheRepo(cache)
    await expect(importBundle(cache, holed, second)).rejects.toMatchObject({ code: 'ERR_BAD_BUNDLE' })
    expect(await hasCommit(cache, second)).toBe(false)
    expect(existsSync(join(cache, 'shallow'))).toBe(false)
    expect(readdirSync(join(cache, 'objects')).filter(d => d.startsWith('incoming-'))).toEqual([])
    expect(git(cache, ['count-objects', '-v']).match(/^(count|in-pack): (\d+)$/gm)).toEqual(['count: 0', 'in-pack: 0'])
  })

  it('concurrent bundles of one sha to one path all succeed (the holder deploys and serves at once)', async () => {
    const out = join(tempDir(), `${second}.bundle`)
    await Promise.all([0, 1, 2, 3].map(async () => { await createBundle(repo, second, out) }))
    expect(readdirSync(join(out, '..'))).toEqual([`${second}.bundle`])
    const cache = join(tempDir(), 'cache.git')
    await ensureCacheRepo(cache)
    await importBundle(cache, out, second)
    expect(await hasCommit(cache, second)).toBe(true)
  })

  it('rejects a bundle made for another sha, and the cache is unchanged', async () => {
    const out = join(tempDir(), `${first}.bundle`)
    await createBundle(repo, first, out)
    const cache = join(tempDir(), 'cache.git')
    await ensureCacheRepo(cache)
    const before = refs(cache)
    await expect(importBundle(cache, out, second)).rejects.toMatchObject({ code: 'ERR_BAD_BUNDLE' })
    expect(refs(cache)).toBe(before)
    expect(await hasCommit(cache, first)).toBe(false)
    expect(await hasCommit(cache, second)).toBe(false)
  })

  it('rejects a bundle whose ref is named for the requested sha but holds another commit', async () => {
    // A lying peer: refs/slm/<second> pointing at <first>.
    const liar = makeRepo()
    git(liar, ['fetch', '-q', repo, `${first}:refs/slm/${second}`])
    const out = join(tempDir(), 'liar.bundle')
    git(liar, ['bundle', 'create', out, `refs/slm/${second}`])
    const cache = join(tempDir(), 'cache.git')
    await ensureCacheRepo(cache)
    await expect(importBundle(cache, out, second)).rejects.toMatchObject({ code: 'ERR_SHA_MISMATCH' })
    expect(refs(cache)).toBe('')
    expect(await hasCommit(cache, first)).toBe(false)
  })

  it('rejects a bundle whose header names the sha but whose pack holds another commit, in quarantine', async () => {
    // A root commit with its tree, under a header that claims `second`: indexes fine, holds the wrong commit.
    const liar = makeRepo()
    const root = commit(liar, { 'app/main.txt': 'not what you asked for\n' }, 'root')
    const pack = execFileSync('git', ['-C', liar, 'pack-objects', '--stdout', '-q'], { input: git(liar, ['rev-list', '--objects', '--no-walk', root]) + '\n' })
    const out = join(tempDir(), 'swapped.bundle')
    writeFileSync(out, Buffer.concat([Buffer.from(`# v2 git bundle\n${second} refs/slm/${second}\n\n`), pack]))
    const cache = join(tempDir(), 'cache.git')
    await ensureCacheRepo(cache)
    await expect(importBundle(cache, out, second)).rejects.toMatchObject({ code: 'ERR_SHA_MISMATCH' })
    expect(await hasCommit(cache, root)).toBe(false)
    expect(existsSync(join(cache, 'shallow'))).toBe(false)
  })

  it('rejects garbage and truncated bundles with ERR_BAD_BUNDLE', async () => {
    const cache = join(tempDir(), 'cache.git')
    await ensureCacheRepo(cache)
    const junk = join(tempDir(), 'junk.bundle')
    writeFileSync(junk, 'not a bundle at all\n')
    await expect(importBundle(cache, junk, second)).rejects.toMatchObject({ code: 'ERR_BAD_BUNDLE' })

    const good = join(tempDir(), 'good.bundle')
    await createBundle(repo, second, good)
    const bytes = readFileSync(good)
    const cut = join(tempDir(), 'cut.bundle')
    writeFileSync(cut, bytes.subarray(0, bytes.length - 40))
    await expect(importBundle(cache, cut, second)).rejects.toMatchObject({ code: 'ERR_BAD_BUNDLE' })
    expect(refs(cache)).toBe('')
  })
})

describe('pruneCache', () => {
  it('drops the commits not kept, their objects and shallow entries; the kept ones stay whole', async () => {
    const r = makeRepo()
    const a = commit(r, { 'app/main.txt': 'a\n', 'web/index.html': '<p>1</p>\n' }, 'a')
    const b = commit(r, { 'app/main.txt': 'b\n' }, 'b')
    const c = commit(r, { 'app/main.txt': 'c\n' }, 'c')
    const cache = join(tempDir(), 'cache.git')
    await ensureCacheRepo(cache)
    for (const sha of [a, b, c]) {
      const out = join(tempDir(), `${sha}.bundle`)
      await createBundle(r, sha, out)
      await importBundle(cache, out, sha)
    }
    expect(await pruneCache(cache, new Set([c, 'f'.repeat(40)]))).toBe(2)
    expect(await hasCommit(cache, a)).toBe(false)
    expect(await hasCommit(cache, b)).toBe(false)
    expect(refs(cache)).toBe(`refs/slm/${c} ${c}`)
    expect(readFileSync(join(cache, 'shallow'), 'utf8')).toBe(`${c}\n`)
    // b's own blob is gone with it; c's whole tree is there, web/ included (unchanged since a).
    expect(() => git(cache, ['cat-file', '-e', git(r, ['rev-parse', `${b}:app/main.txt`])])).toThrow()
    expect(git(cache, ['show', `${c}:web/index.html`])).toBe('<p>1</p>')
    git(cache, ['fsck', '--no-dangling'])
    // Nothing left to drop: no gc, nothing changes.
    expect(await pruneCache(cache, new Set([c]))).toBe(0)
    expect(await pruneCache(join(tempDir(), 'no-cache.git'), new Set())).toBe(0)
  })
})

describe('exportTree', () => {
  let cache: string
  beforeAll(async () => {
    cache = join(tempDir(), 'cache.git')
    await ensureCacheRepo(cache)
    const out = join(tempDir(), 'b.bundle')
    await createBundle(repo, second, out)
    await importBundle(cache, out, second)
    const older = join(tempDir(), 'a.bundle')
    await createBundle(repo, first, older)
    await importBundle(cache, older, first)
  })

  it('writes only the role\'s source paths, as they are at the commit', async () => {
    const dest = join(tempDir(), 'rel')
    await exportTree(cache, first, ['app'], dest)
    expect(readFileSync(join(dest, 'app', 'main.txt'), 'utf8')).toBe('v1\n')
    expect(existsSync(join(dest, 'web'))).toBe(false)
    expect(existsSync(join(dest, 'app', 'lib'))).toBe(false)
  })

  it('skips source paths the commit does not have, and exports everything for no paths', async () => {
    const dest = join(tempDir(), 'rel')
    await exportTree(cache, second, ['app/', 'not-there'], dest)
    expect(readFileSync(join(dest, 'app', 'lib', 'util.txt'), 'utf8')).toBe('u\n')
    const all = join(tempDir(), 'all')
    await exportTree(cache, second, [], all)
    expect(readdirSync(all).sort()).toEqual(['README', 'app', 'web'])
  })

  it('exports nothing, and fails nothing, when no source path exists at the commit', async () => {
    const dest = join(tempDir(), 'rel')
    await exportTree(cache, first, ['not-there', 'nor-this'], dest)
    expect(readdirSync(dest)).toEqual([])
  })

  it('replaces whatever the destination held', async () => {
    const dest = join(tempDir(), 'rel')
    await exportTree(cache, second, ['web'], dest)
    await exportTree(cache, second, ['app'], dest)
    expect(readdirSync(dest)).toEqual(['app'])
  })
})
