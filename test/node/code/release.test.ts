import { existsSync, mkdirSync, readdirSync, readlinkSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { pruneReleases, releaseDir, runningSha, swapCurrent } from '../../../node/code/release.js'
import { tempDir } from './fixture.js'

const sha = (c: string): string => c.repeat(40)

function release (target: string, s: string, ageSec = 0): void {
  const dir = releaseDir(target, s)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'f'), s)
  const t = Date.now() / 1000 - ageSec
  utimesSync(dir, t, t)
}

describe('releases and the current link', () => {
  it('nothing runs before the first swap', async () => {
    expect(await runningSha(join(tempDir(), 'none'))).toBe(null)
  })

  it('swapCurrent points current at releases/<sha>, relative, and leaves no temp link', async () => {
    const target = join(tempDir(), 'roles', 'app')
    release(target, sha('a'))
    release(target, sha('b'))
    await swapCurrent(target, sha('a'))
    expect(await runningSha(target)).toBe(sha('a'))
    await swapCurrent(target, sha('b'))
    expect(await runningSha(target)).toBe(sha('b'))
    expect(readlinkSync(join(target, 'current'))).toBe(join('releases', sha('b')))
    expect(readdirSync(target).sort()).toEqual(['current', 'releases'])
  })

  it('the running version is read from the link itself: a hand-made link to a non-release reads as none', async () => {
    const target = tempDir()
    mkdirSync(join(target, 'elsewhere'))
    symlinkSync('elsewhere', join(target, 'current'))
    expect(await runningSha(target)).toBe(null)
  })

  it('pruneReleases keeps the newest ones and the shas it is told to keep', async () => {
    const target = tempDir()
    const all = ['1', '2', '3', '4', '5', '6', '7'].map(sha)
    all.forEach((s, i) => { release(target, s, 100 * (all.length - i)) }) // 7 is the newest
    mkdirSync(join(releaseDir(target, sha('8'))) + '.tmp-1') // an export in progress is not a release
    await pruneReleases(target, [sha('1')], 3)
    const left = readdirSync(join(target, 'releases')).sort()
    expect(left).toEqual([sha('1'), sha('5'), sha('6'), sha('7'), `${sha('8')}.tmp-1`])
    expect(existsSync(releaseDir(target, sha('2')))).toBe(false)
  })
})
