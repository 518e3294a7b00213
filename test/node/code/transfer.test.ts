/**
 * /slm/code/1.0.0 between two real libp2p hosts on 127.0.0.1, with real git repos: a bundle is
 * fetched in frames into a directory that does not exist yet (that used to crash the daemon with
 * an unhandled write-stream error), a peer at its upload limit answers busy, a peer without the
 * commit answers missing, and a peer that serves another commit under the requested name gets
 * its bundle through the transfer but rejected by the verification, leaving the cache untouched.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CODE_PROTOCOL, BundleTransfer, fetchBundle } from '../../../node/code/transfer.js'
import { createBundle, ensureCacheRepo, hasCommit, importBundle } from '../../../node/code/git.js'
import { newFleetKey } from '../../../node/identity/fleet-key.js'
import { createHost, type SlmLibp2p } from '../../../node/net/index.js'
import { commit, git, makeRepo, tempDir } from './fixture.js'

let server: SlmLibp2p
let client: SlmLibp2p
let repo: string
let first: string
let second: string
let served = 0
/** What the serving side hands out for a sha; each test sets it. */
let bundleFor: (sha: string) => Promise<string | null> = async () => null

beforeAll(async () => {
  repo = makeRepo()
  first = commit(repo, { 'app/a.txt': 'a\n' }, 'first')
  // Over one frame (1 MiB) so the transfer is chunked: incompressible bytes.
  const { randomBytes } = await import('node:crypto')
  second = commit(repo, { 'app/blob.bin': randomBytes(3 * 1024 * 1024) }, 'second')
  const fleetKey = newFleetKey()
  server = await createHost({ privateKey: await generateKeyPair('Ed25519'), fleetKey, listen: ['/ip4/127.0.0.1/tcp/0'] })
  client = await createHost({ privateKey: await generateKeyPair('Ed25519'), fleetKey, listen: ['/ip4/127.0.0.1/tcp/0'] })
  await server.start()
  await client.start()
  await new BundleTransfer({
    node: server,
    bundleFor: async (sha) => await bundleFor(sha),
    onServed: (bytes) => { served += bytes },
    onError: () => {},
    maxUploads: 2
  }).start()
  await client.peerStore.merge(server.peerId, { multiaddrs: server.getMultiaddrs() })
}, 60_000)

afterAll(async () => {
  await client?.stop()
  await server?.stop()
})

describe('bundle transfer over /slm/code/1.0.0', () => {
  it('fetches a multi-frame bundle into a directory that does not exist yet; it imports as the sha', async () => {
    const good = join(tempDir(), 'good.bundle')
    await createBundle(repo, second, good)
    bundleFor = async (sha) => sha === second ? good : null
    const before = served
    const out = join(tempDir(), 'not', 'yet', `${second}.bundle`)
    const bytes = await fetchBundle(client, server.peerId, second, out)
    expect(bytes).toBe(statSync(good).size)
    expect(bytes).toBeGreaterThan(3 * 1024 * 1024)
    expect(served - before).toBe(bytes)
    const cache = join(tempDir(), 'cache.git')
    await ensureCacheRepo(cache)
    await importBundle(cache, out, second)
    expect(await hasCommit(cache, second)).toBe(true)
    expect(await hasCommit(cache, first)).toBe(true)
  })

  it('a peer without the commit answers missing; a malformed request is refused', async () => {
    bundleFor = async () => null
    const out = join(tempDir(), `${first}.bundle`)
    await expect(fetchBundle(client, server.peerId, first, out)).rejects.toMatchObject({ code: 'ERR_MISSING' })
    expect(existsSync(out)).toBe(false)
    await expect(fetchBundle(client, server.peerId, 'not-a-sha', out)).rejects.toMatchObject({ code: 'ERR_MISSING', message: /bad_request/ })
  })

  it('a peer at its upload limit answers busy, and serves again once an upload ends', async () => {
    const good = join(tempDir(), 'good.bundle')
    await createBundle(repo, first, good)
    let release!: () => void
    const gate = new Promise<void>((resolve) => { release = resolve })
    let waiting = 0
    bundleFor = async () => { waiting++; await gate; return good }
    const dir = tempDir()
    const slow = [0, 1].map(async i => await fetchBundle(client, server.peerId, first, join(dir, `slow-${i}.bundle`)))
    for (let i = 0; i < 200 && waiting < 2; i++) await new Promise(resolve => setTimeout(resolve, 25))
    expect(waiting).toBe(2)
    await expect(fetchBundle(client, server.peerId, first, join(dir, 'third.bundle'))).rejects.toMatchObject({ code: 'ERR_BUSY' })
    release()
    for (const bytes of await Promise.all(slow)) expect(bytes).toBe(statSync(good).size)
    expect(await fetchBundle(client, server.peerId, first, join(dir, 'fourth.bundle'))).toBe(statSync(good).size)
  })

  it('a lying peer: another commit under the requested name crosses the wire but is rejected, the cache untouched', async () => {
    // The liar's ref is named for `second` but points at `first`.
    const liar = makeRepo()
    git(liar, ['fetch', '-q', repo, `${first}:refs/slm/${second}`])
    const lie = join(tempDir(), 'lie.bundle')
    git(liar, ['bundle', 'create', lie, `refs/slm/${second}`])
    bundleFor = async (sha) => sha === second ? lie : null

    const out = join(tempDir(), `${second}.bundle`)
    const bytes = await fetchBundle(client, server.peerId, second, out)
    expect(bytes).toBe(statSync(lie).size)
    const cache = join(tempDir(), 'cache.git')
    await ensureCacheRepo(cache)
    await expect(importBundle(cache, out, second)).rejects.toMatchObject({ code: 'ERR_SHA_MISMATCH' })
    expect(await hasCommit(cache, first)).toBe(false)
    expect(await hasCommit(cache, second)).toBe(false)
    expect(git(cache, ['for-each-ref'])).toBe('')
  })

  it('the protocol id is the one DESIGN names', () => {
    expect(CODE_PROTOCOL).toBe('/slm/code/1.0.0')
  })
})
