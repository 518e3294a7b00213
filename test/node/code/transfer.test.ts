/**
 * /slm/code/1.0.0 between two real libp2p hosts on 127.0.0.1, with real git repos: a bundle is
 * fetched in frames into a directory that does not exist yet (that used to crash the daemon with
 * an unhandled write-stream error), a fetcher beyond a peer's upload limit waits for a slot (and
 * is told busy if none comes free in time), a peer without the
 * commit answers missing, and a peer that serves another commit under the requested name gets
 * its bundle through the transfer but rejected by the verification, leaving the cache untouched.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { existsSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import { CODE_PROTOCOL, BundleTransfer, fetchBundle, SLOT_WAIT_MS, TransferRefused, WINDOW, type Admission } from '../../../node/code/transfer.js'
import { createBundle, ensureCacheRepo, hasCommit, importBundle } from '../../../node/code/git.js'
import { newFleetKey } from '../../../node/identity/fleet-key.js'
import { createHost, type SlmLibp2p } from '../../../node/net/index.js'
import { commit, git, makeRepo, tempDir } from './fixture.js'

let server: SlmLibp2p
let client: SlmLibp2p
let repo: string
let first: string
let second: string
/** A commit whose bundle is ~12 MiB: three times the reader's 4 MiB stream buffer. */
let big: string
let served = 0
let serverTransfer: BundleTransfer
/** What the serving side hands out for a sha; each test sets it. */
let bundleFor: (sha: string) => Promise<string | null> = async () => null
/** The serving side's admission policy; serves everyone unless a test says otherwise. */
let admit: (sha: string, peer: string) => Admission = () => ({ serve: true })
const servedTo: string[] = []

beforeAll(async () => {
  repo = makeRepo()
  first = commit(repo, { 'app/a.txt': 'a\n' }, 'first')
  // Over one frame (1 MiB) so the transfer is chunked: incompressible bytes.
  const { randomBytes } = await import('node:crypto')
  second = commit(repo, { 'app/blob.bin': randomBytes(3 * 1024 * 1024) }, 'second')
  big = commit(repo, { 'app/big.bin': randomBytes(9 * 1024 * 1024) }, 'big')
  const fleetKey = newFleetKey()
  server = await createHost({ privateKey: await generateKeyPair('Ed25519'), fleetKey, listen: ['/ip4/127.0.0.1/tcp/0'] })
  client = await createHost({ privateKey: await generateKeyPair('Ed25519'), fleetKey, listen: ['/ip4/127.0.0.1/tcp/0'] })
  await server.start()
  await client.start()
  serverTransfer = new BundleTransfer({
    node: server,
    bundleFor: async (sha) => await bundleFor(sha),
    admit: (sha, peer) => admit(sha, peer),
    onServed: (bytes, _sha, peer) => { served += bytes; servedTo.push(peer) },
    onError: () => {},
    maxUploads: 2
  })
  await serverTransfer.start()
  await client.peerStore.merge(server.peerId, { multiaddrs: server.getMultiaddrs() })
}, 60_000)

afterAll(async () => {
  await client?.stop()
  await server?.stop()
})

/** Asks the server for `big`'s bundle by hand (no fetchBundle), so a test can ack as it likes. */
async function rawRequest (): Promise<{ stream: Stream, lp: LengthPrefixedStream<Stream>, head: any, bundle: string }> {
  const bundle = join(tempDir(), 'big.bundle')
  await createBundle(repo, big, bundle)
  bundleFor = async () => bundle
  const stream = await client.dialProtocol(server.peerId, CODE_PROTOCOL)
  const lp = lpStream(stream, { maxDataLength: 2 * 1024 * 1024 })
  await lp.write(new TextEncoder().encode(JSON.stringify({ v: 1, sha: big })))
  const head = JSON.parse(new TextDecoder().decode((await lp.read()).subarray()))
  return { stream, lp, head, bundle }
}

describe('bundle transfer over /slm/code/1.0.0', () => {
  it('fetches a multi-frame bundle into a directory that does not exist yet; it imports as the sha', async () => {
    const good = join(tempDir(), 'good.bundle')
    await createBundle(repo, second, good)
    bundleFor = async (sha) => sha === second ? good : null
    const before = served
    const out = join(tempDir(), 'not', 'yet', `${second}.bundle`)
    const progress: Array<[number, number]> = []
    const bytes = await fetchBundle(client, server.peerId, second, out, (got, size) => { progress.push([got, size]) })
    expect(bytes).toBe(statSync(good).size)
    // Progress after every frame, rising to the whole bundle.
    expect(progress.length).toBeGreaterThan(1)
    expect(progress.every(([got, size], i) => size === bytes && (i === 0 || got > progress[i - 1][0]))).toBe(true)
    expect(progress.at(-1)).toEqual([bytes, bytes])
    expect(bytes).toBeGreaterThan(3 * 1024 * 1024)
    expect(served - before).toBe(bytes)
    expect(servedTo.at(-1)).toBe(client.peerId.toString())
    const cache = join(tempDir(), 'cache.git')
    await ensureCacheRepo(cache)
    await importBundle(cache, out, second)
    expect(await hasCommit(cache, second)).toBe(true)
    expect(await hasCommit(cache, first)).toBe(false) // a snapshot: the tree, not the history
  })

  it('flow control: a reader that never acknowledges gets at most the window, then nothing more', async () => {
    const before = served
    const { stream, lp, head, bundle } = await rawRequest()
    expect(head).toMatchObject({ ok: true, size: statSync(bundle).size })
    let got = 0
    const deadline = Date.now() + 1500
    while (Date.now() < deadline) {
      const chunk = await lp.read({ signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) }).catch(() => null)
      if (chunk == null) break
      got += chunk.byteLength
    }
    expect(got).toBeGreaterThan(0)
    expect(got).toBeLessThanOrEqual(WINDOW + 256 * 1024)
    expect(served).toBe(before) // nothing counts as served until every byte is acknowledged
    // The upload shows as in flight with nothing acknowledged, and goes once the reader hangs up.
    expect(serverTransfer.active()).toEqual([expect.objectContaining({ sha: big, peer: client.peerId.toString(), direction: 'out', bytes: 0, size: head.size })])
    stream.abort(new Error('test done'))
    for (let i = 0; i < 100 && serverTransfer.active().length > 0; i++) await new Promise(resolve => setTimeout(resolve, 20))
    expect(serverTransfer.active()).toEqual([])
  })

  it('a slow reader that acknowledges late gets the whole bundle, never more than the window ahead', async () => {
    const before = served
    const { stream, lp, head: { size }, bundle } = await rawRequest()
    let got = 0
    let acked = 0
    let ahead = 0
    while (got < size) {
      got += (await lp.read()).byteLength
      ahead = Math.max(ahead, got - acked)
      // Acknowledge every other chunk, late: the sender must wait for it.
      if (got - acked >= 512 * 1024 || got === size) {
        await new Promise(resolve => setTimeout(resolve, 20))
        await lp.write(new TextEncoder().encode(JSON.stringify({ ack: got })))
        acked = got
      }
    }
    expect(got).toBe(statSync(bundle).size)
    expect(ahead).toBeLessThanOrEqual(WINDOW + 256 * 1024)
    for (let i = 0; i < 100 && served === before; i++) await new Promise(resolve => setTimeout(resolve, 20))
    expect(served - before).toBe(size)
    await stream.close()
  })

  it('a peer without the commit answers missing; a malformed request is refused', async () => {
    bundleFor = async () => null
    const out = join(tempDir(), `${first}.bundle`)
    await expect(fetchBundle(client, server.peerId, first, out)).rejects.toMatchObject({ code: 'ERR_MISSING' })
    expect(existsSync(out)).toBe(false)
    await expect(fetchBundle(client, server.peerId, 'not-a-sha', out)).rejects.toMatchObject({ code: 'ERR_MISSING', message: /bad_request/ })
  })

  /** Both of the server's upload slots taken by fetches whose bundle lookup waits for `release`. */
  async function slotsTaken (): Promise<{ good: string, dir: string, release: () => void, lookups: () => number, slow: Array<Promise<number>> }> {
    const good = join(tempDir(), 'good.bundle')
    await createBundle(repo, first, good)
    let release!: () => void
    const gate = new Promise<void>((resolve) => { release = resolve })
    let lookups = 0
    bundleFor = async () => { lookups++; await gate; return good }
    const dir = tempDir()
    const slow = [0, 1].map(async i => await fetchBundle(client, server.peerId, first, join(dir, `slow-${i}.bundle`)))
    for (let i = 0; i < 200 && lookups < 2; i++) await new Promise(resolve => setTimeout(resolve, 25))
    expect(lookups).toBe(2)
    return { good, dir, release, lookups: () => lookups, slow }
  }

  it('a fetcher beyond the upload limit waits for a slot and is served when an upload ends', async () => {
    const { good, dir, release, lookups, slow } = await slotsTaken()
    const third = fetchBundle(client, server.peerId, first, join(dir, 'third.bundle'))
    // It is queued, not looking the bundle up: both slots are taken.
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(lookups()).toBe(2)
    release()
    for (const bytes of await Promise.all([...slow, third])) expect(bytes).toBe(statSync(good).size)
    expect(lookups()).toBe(3)
  })

  it('a fetcher that waited SLOT_WAIT_MS for a slot is told busy; the peer serves again once an upload ends', async () => {
    const { good, dir, release, slow } = await slotsTaken()
    const asked = Date.now()
    await expect(fetchBundle(client, server.peerId, first, join(dir, 'third.bundle'))).rejects.toMatchObject({ code: 'ERR_BUSY' })
    expect(Date.now() - asked).toBeGreaterThanOrEqual(SLOT_WAIT_MS - 50)
    release()
    for (const bytes of await Promise.all(slow)) expect(bytes).toBe(statSync(good).size)
    expect(await fetchBundle(client, server.peerId, first, join(dir, 'fourth.bundle'))).toBe(statSync(good).size)
  })

  it('a bundle that moved between its lookup and its opening (a fetched copy that passed its check) is looked up again', async () => {
    const dir = tempDir()
    const staged = join(dir, 'x.bundle.fetched')
    const final = join(dir, 'x.bundle')
    await createBundle(repo, first, staged)
    const size = statSync(staged).size
    let lookups = 0
    bundleFor = async () => {
      lookups++
      if (lookups === 1) { renameSync(staged, final); return staged }
      return final
    }
    expect(await fetchBundle(client, server.peerId, first, join(dir, 'out.bundle'))).toBe(size)
    expect(lookups).toBe(2)
  })

  it('a peer that has seeded enough copies redirects, naming the peers to ask instead (junk ids dropped)', async () => {
    const good = join(tempDir(), 'good.bundle')
    await createBundle(repo, first, good)
    bundleFor = async () => good
    const other = server.peerId.toString()
    let asked: [string, string] | undefined
    admit = (sha, peer) => { asked = [sha, peer]; return { serve: false, code: 'redirect', peers: [other, 'not a peer id', client.peerId.toString()] } }
    try {
      const out = join(tempDir(), `${first}.bundle`)
      const err = await fetchBundle(client, server.peerId, first, out).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(TransferRefused)
      expect(err).toMatchObject({ code: 'ERR_REDIRECT', peers: [other, client.peerId.toString()] })
      expect(asked).toEqual([first, client.peerId.toString()])
      expect(existsSync(out)).toBe(false)
    } finally {
      admit = () => ({ serve: true })
    }
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
