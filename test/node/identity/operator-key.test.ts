import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createOperatorKey, defaultOperatorKeyPath, isKeyFileTooOpen, loadOperatorKey, writeOperatorKey
} from '../../../node/identity/index.js'
import { generateOperatorKey } from '../../../protocol/sign.js'

let dir: string
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'slm-opkey-')) })
afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

describe('operator key files', () => {
  it('are written 0600 (parents 0700) and load back to the same public key', async () => {
    const path = join(dir, 'cfg', 'slm', 'operator.key')
    const key = await createOperatorKey(path)
    expect(key.publicKey).toMatch(/^ed25519:[A-Za-z0-9_-]{43}$/)
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, 'cfg'))).mode & 0o777).toBe(0o700)
    expect(await isKeyFileTooOpen(path)).toBe(false)
    expect((await loadOperatorKey(path)).publicKey).toBe(key.publicKey)
  })

  it('are not overwritten without force', async () => {
    const path = join(dir, 'op.key')
    const first = await createOperatorKey(path)
    await expect(createOperatorKey(path)).rejects.toMatchObject({ code: 'ERR_KEY_EXISTS' })
    expect((await loadOperatorKey(path)).publicKey).toBe(first.publicKey)

    const other = generateOperatorKey()
    await writeOperatorKey(path, other.privateKeyPem, { force: true })
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect((await loadOperatorKey(path)).publicKey).toBe(other.publicKey)
  })

  it('give clear errors for a missing or foreign file', async () => {
    await expect(loadOperatorKey(join(dir, 'missing.key'))).rejects.toMatchObject({ code: 'ERR_NO_OPERATOR_KEY' })
    const junk = join(dir, 'junk.key')
    await writeFile(junk, 'not a pem')
    await expect(loadOperatorKey(junk)).rejects.toMatchObject({ code: 'ERR_OPERATOR_KEY_INVALID' })
  })

  it('default to ~/.config/slm/operator.key, honouring XDG_CONFIG_HOME', () => {
    const saved = process.env.XDG_CONFIG_HOME
    try {
      process.env.XDG_CONFIG_HOME = '/x/cfg'
      expect(defaultOperatorKeyPath()).toBe('/x/cfg/slm/operator.key')
      delete process.env.XDG_CONFIG_HOME
      expect(defaultOperatorKeyPath()).toMatch(/\/\.config\/slm\/operator\.key$/)
    } finally {
      if (saved == null) delete process.env.XDG_CONFIG_HOME
      else process.env.XDG_CONFIG_HOME = saved
    }
  })
})
