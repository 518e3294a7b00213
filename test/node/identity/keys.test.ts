import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { preSharedKey } from '@libp2p/pnet'
import {
  copyFleetKey, createFleetKey, fleetKeyPath, loadFleetKey, loadNodeKey, loadOrCreateNodeKey, nodeIdOf,
  nodeKeyPath, parseFleetKey
} from '../../../node/identity/index.js'

let dir: string
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'slm-identity-')) })
afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

const mode = async (p: string): Promise<number> => (await stat(p)).mode & 0o777

describe('node key', () => {
  it('is created once with mode 0600 and loads back to the same node id', async () => {
    const first = await loadOrCreateNodeKey(join(dir, 'state'))
    expect(first.created).toBe(true)
    expect(await mode(first.path)).toBe(0o600)
    expect(await mode(join(dir, 'state'))).toBe(0o700)
    expect(first.nodeId).toMatch(/^12D3KooW/) // Ed25519 PeerIds have this prefix
    expect(nodeIdOf(first.privateKey)).toBe(first.nodeId)

    const second = await loadOrCreateNodeKey(join(dir, 'state'))
    expect(second.created).toBe(false)
    expect(second.nodeId).toBe(first.nodeId)
    expect((await loadNodeKey(join(dir, 'state'))).nodeId).toBe(first.nodeId)
  })

  it('never replaces an existing key, even when racing', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, async () => await loadOrCreateNodeKey(dir)))
    expect(new Set(keys.map((k) => k.nodeId)).size).toBe(1)
    expect(keys.filter((k) => k.created)).toHaveLength(1)
  })

  it('refuses to load (or overwrite) a corrupt key file', async () => {
    await writeFile(nodeKeyPath(dir), 'garbage')
    await expect(loadOrCreateNodeKey(dir)).rejects.toMatchObject({ code: 'ERR_NODE_KEY_INVALID' })
    expect(await readFile(nodeKeyPath(dir), 'utf8')).toBe('garbage')
  })

  it('reports an uninitialised node clearly', async () => {
    await expect(loadNodeKey(dir)).rejects.toMatchObject({ code: 'ERR_NO_NODE_KEY' })
  })

  it('leaves no temp files behind', async () => {
    await loadOrCreateNodeKey(dir)
    const { readdir } = await import('node:fs/promises')
    expect(await readdir(dir)).toEqual(['node.key'])
  })
})

describe('fleet key', () => {
  it('round-trips in pnet format with mode 0600 and is accepted by libp2p pnet', async () => {
    const path = fleetKeyPath(dir)
    const key = await createFleetKey(path)
    expect(await mode(path)).toBe(0o600)
    const loaded = await loadFleetKey(path)
    expect(Buffer.from(loaded).equals(Buffer.from(key))).toBe(true)
    expect(Buffer.from(loaded).toString()).toMatch(/^\/key\/swarm\/psk\/1\.0\.0\/\n\/base16\/\n[0-9a-f]{64}$/)
    expect(() => preSharedKey({ psk: loaded })).not.toThrow()
  })

  it('refuses to replace an existing fleet key', async () => {
    await createFleetKey(fleetKeyPath(dir))
    await expect(createFleetKey(fleetKeyPath(dir))).rejects.toMatchObject({ code: 'ERR_KEY_EXISTS' })
  })

  it('copies a fleet key into the state dir; the same key again is a no-op, another is refused', async () => {
    const src = join(dir, 'shared.key')
    await createFleetKey(src)
    const state = join(dir, 'node')
    expect(await copyFleetKey(src, state)).toBe('copied')
    expect(await mode(fleetKeyPath(state))).toBe(0o600)
    expect(await readFile(fleetKeyPath(state))).toEqual(await readFile(src))
    expect(await copyFleetKey(src, state)).toBe('unchanged')

    const other = join(dir, 'other.key')
    await createFleetKey(other)
    await expect(copyFleetKey(other, state)).rejects.toMatchObject({ code: 'ERR_KEY_EXISTS' })
  })

  it('gives a clear error for a missing or malformed key', async () => {
    await expect(loadFleetKey(join(dir, 'nope.key'))).rejects.toMatchObject({ code: 'ERR_NO_FLEET_KEY' })
    await expect(loadFleetKey(join(dir, 'nope.key'))).rejects.toThrow(/slm init --new-fleet/)
    expect(() => parseFleetKey(Buffer.from('hello'))).toThrow(expect.objectContaining({ code: 'ERR_FLEET_KEY_INVALID' }))
    expect(() => parseFleetKey(Buffer.from('/key/swarm/psk/1.0.0/\n/base16/\nabc'))).toThrow(/64 hex/)
  })

  it('accepts a key file with a trailing newline (hand-copied keys)', () => {
    const text = `/key/swarm/psk/1.0.0/\n/base16/\n${'ab'.repeat(32)}\n`
    expect(Buffer.from(parseFleetKey(Buffer.from(text))).toString()).toBe(text.trimEnd())
  })
})
