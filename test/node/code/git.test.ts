import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { commitInfo, createBundle, ensureCacheRepo, exportTree, hasCommit, importBundle } from '../../../node/code/git.js'
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

  it('a bundle made for a sha imports into an empty cache that then has the commit and its history', async () => {
    const out = join(tempDir(), 'b', `${second}.bundle`)
    await createBundle(repo, second, out)
    expect(readdirSync(join(out, '..'))).toEqual([`${second}.bundle`]) // no temp file left behind
    const cache = join(tempDir(), 'cache.git')
    await ensureCacheRepo(cache)
    expect(await hasCommit(cache, second)).toBe(false)
    await importBundle(cache, out, second)
    expect(await hasCommit(cache, second)).toBe(true)
    expect(await hasCommit(cache, first)).toBe(true)
    // importing twice is harmless
    await importBundle(cache, out, second)
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

describe('exportTree', () => {
  let cache: string
  beforeAll(async () => {
    cache = join(tempDir(), 'cache.git')
    await ensureCacheRepo(cache)
    const out = join(tempDir(), 'b.bundle')
    await createBundle(repo, second, out)
    await importBundle(cache, out, second)
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

  it('replaces whatever the destination held', async () => {
    const dest = join(tempDir(), 'rel')
    await exportTree(cache, second, ['web'], dest)
    await exportTree(cache, second, ['app'], dest)
    expect(readdirSync(dest)).toEqual(['app'])
  })
})
