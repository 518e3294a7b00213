import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { initSeedPath, readInitSeed, validateAdminPubkey, writeInitSeed } from '../../../node/identity/index.js'

const ADMIN_A = 'ed25519:' + Buffer.alloc(32, 1).toString('base64url')
const ADMIN_B = 'ed25519:' + Buffer.alloc(32, 2).toString('base64url')

let dir: string
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'slm-seed-')) })
afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

describe('init seed', () => {
  it('records name and admin keys, and merges on a second init', async () => {
    expect(await readInitSeed(dir)).toBeNull()
    await writeInitSeed(dir, { name: 'n1', adminPubkeys: [ADMIN_A], now: 1000 })
    expect((await stat(initSeedPath(dir))).mode & 0o777).toBe(0o600)
    const merged = await writeInitSeed(dir, { adminPubkeys: [ADMIN_B, ADMIN_A], now: 2000 })
    expect(merged).toEqual({ v: 1, name: 'n1', adminPubkeys: [ADMIN_A, ADMIN_B], createdAt: 1000, updatedAt: 2000 })
    expect(await readInitSeed(dir)).toEqual(merged)
  })

  it('defaults the name to the host name', async () => {
    const seed = await writeInitSeed(dir, {})
    expect(seed.name).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/)
  })

  it('rejects malformed admin keys and names with a typed error', async () => {
    expect(() => validateAdminPubkey('ed25519:short')).toThrow(expect.objectContaining({ code: 'ERR_INIT_SEED' }))
    expect(() => validateAdminPubkey('rsa:' + 'a'.repeat(43))).toThrow(/slm keygen/)
    await expect(writeInitSeed(dir, { name: 'bad name' })).rejects.toMatchObject({ code: 'ERR_INIT_SEED' })
  })
})
