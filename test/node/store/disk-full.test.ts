/**
 * A full disk (issue 8, disk trouble): the store on a tiny tmpfs, filled to the last byte. Writes
 * are refused with ERR_STORE_FULL and the failure is reported; reads keep answering from what is
 * there; once space returns, writes succeed and the report clears; what was written before is
 * intact after a reopen. lmdb-js's own stray rejections are recognised (the daemon logs them
 * rather than dying). The store runs in a child (fixtures/disk-full.ts). Needs root for `mount`;
 * skipped otherwise.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))

function canMount (): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false
  const probe = mkdtempSync(join(tmpdir(), 'slm-mount-probe-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'pipe' })
    execFileSync('umount', [probe], { stdio: 'pipe' })
    return true
  } catch {
    return false
  } finally {
    rmSync(probe, { recursive: true, force: true })
  }
}

describe.runIf(canMount())('the store on a full disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slm-full-'))
  beforeAll(() => { execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir], { stdio: 'pipe' }) })
  afterAll(() => {
    try { execFileSync('umount', [dir], { stdio: 'pipe' }) } catch { execFileSync('umount', ['-l', dir], { stdio: 'pipe' }) }
    rmSync(dir, { recursive: true, force: true })
  })

  it('refuses writes with ERR_STORE_FULL, keeps reads, resumes when space returns, loses nothing', () => {
    const stdout = execFileSync(process.execPath, ['--import', './ts-hooks.ts', 'disk-full.ts', dir], { cwd: fixtures, encoding: 'utf8', timeout: 60_000 })
    const r = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')
    expect(r.refused.code).toBe('ERR_STORE_FULL')
    expect(r.failureWhileFull).toMatchObject({ code: 'ERR_STORE_FULL' })
    expect(r.readsWhileFull).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(r.failureAfter).toBeNull()
    expect(r.seqAfter).toBe(r.held + 1)
    expect(r.seqReopened).toBe(r.held + 1)
    expect(r.digestConsistent).toBe(true)
    // Every rejection left unhandled was lmdb-js's own, which the daemon knows to log and ignore.
    expect(r.other).toEqual([])
  })
})
