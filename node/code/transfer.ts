/**
 * Bundle transfer over /slm/code/1.0.0: request `{v, sha}`, answer a JSON header `{ok, size}` (or
 * `{ok: false, code}`) then the bundle in frames of at most 1 MiB (PITFALLS: stream helpers
 * buffer at most 4 MiB, so chunk). A node serves at most `maxUploads` at once and answers `busy`
 * beyond that, so the holder does not serve every node: fetchers retry from peers that have it.
 */
import { createReadStream } from 'node:fs'
import { mkdir, open, rename, rm, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { lpStream } from '@libp2p/utils'
import type { PeerId, Stream } from '@libp2p/interface'
import type { SlmLibp2p } from '../net/host.js'
import { CodeError } from './git.js'

export const CODE_PROTOCOL = '/slm/code/1.0.0'
const CHUNK = 1024 * 1024
const MAX_BUNDLE = 2 * 1024 * 1024 * 1024
const SHA = /^[0-9a-f]{40}$/

export interface TransferComponents {
  node: SlmLibp2p
  /** Path of a bundle for `sha` we can serve, creating it if we hold the repo; null if we cannot. */
  bundleFor: (sha: string) => Promise<string | null>
  onServed: (bytes: number) => void
  onError: (where: string, err: unknown) => void
  /** @default 2 */
  maxUploads?: number
}

export class BundleTransfer {
  private readonly c: TransferComponents
  private uploads = 0

  constructor (components: TransferComponents) {
    this.c = components
  }

  async start (): Promise<void> {
    await this.c.node.handle(CODE_PROTOCOL, async (stream: Stream) => {
      try {
        await this.serve(stream)
      } catch (err) {
        this.c.onError('code_serve', err)
        stream.abort(err instanceof Error ? err : new Error(String(err)))
      }
    }, { maxInboundStreams: 8 })
  }

  private async serve (stream: Stream): Promise<void> {
    const lp = lpStream(stream, { maxDataLength: CHUNK + 1024 })
    const signal = AbortSignal.timeout(600_000)
    const req = JSON.parse(new TextDecoder().decode((await lp.read({ signal })).subarray())) as { sha?: unknown }
    const sha = typeof req?.sha === 'string' && SHA.test(req.sha) ? req.sha : null
    const answer = async (v: unknown): Promise<void> => { await lp.write(new TextEncoder().encode(JSON.stringify(v)), { signal }) }
    if (sha == null) { await answer({ ok: false, code: 'bad_request' }); await stream.close(); return }
    if (this.uploads >= (this.c.maxUploads ?? 2)) { await answer({ ok: false, code: 'busy' }); await stream.close(); return }
    this.uploads++
    try {
      const file = await this.c.bundleFor(sha)
      if (file == null) { await answer({ ok: false, code: 'missing' }); await stream.close(); return }
      const { size } = await stat(file)
      await answer({ ok: true, size })
      let sent = 0
      for await (const chunk of createReadStream(file, { highWaterMark: CHUNK })) {
        await lp.write(chunk as Buffer, { signal })
        sent += (chunk as Buffer).byteLength
      }
      this.c.onServed(sent)
      await stream.close({ signal })
    } finally {
      this.uploads--
    }
  }
}

/**
 * Fetches `sha`'s bundle from `peer` into `out` (its directory created if needed); throws CodeError
 * `ERR_BUSY` / `ERR_MISSING` / `ERR_BAD_BUNDLE`. Only the transfer is checked here: the caller
 * verifies the content (importBundle) before trusting the file.
 */
export async function fetchBundle (node: SlmLibp2p, peer: PeerId, sha: string, out: string): Promise<number> {
  const signal = AbortSignal.timeout(600_000)
  const stream = await node.dialProtocol(peer, CODE_PROTOCOL, { signal })
  const tmp = `${out}.part-${process.pid}`
  try {
    const lp = lpStream(stream, { maxDataLength: CHUNK + 1024 })
    await lp.write(new TextEncoder().encode(JSON.stringify({ v: 1, sha })), { signal })
    const head = JSON.parse(new TextDecoder().decode((await lp.read({ signal })).subarray())) as { ok: boolean, size?: number, code?: string }
    if (!head.ok) throw new CodeError(head.code === 'busy' ? 'ERR_BUSY' : 'ERR_MISSING', `peer cannot serve ${sha.slice(0, 12)}: ${String(head.code)}`)
    const size = Number(head.size)
    if (!Number.isInteger(size) || size <= 0 || size > MAX_BUNDLE) throw new CodeError('ERR_BAD_BUNDLE', `peer announced a bundle of ${String(head.size)} bytes`)
    // A file handle, not a write stream: a failed open or write (no directory, disk full) is a
    // rejection here, never an unhandled 'error' event that takes the daemon down.
    await mkdir(dirname(out), { recursive: true })
    const file = await open(tmp, 'w')
    let got = 0
    try {
      while (got < size) {
        const chunk = await lp.read({ signal })
        got += chunk.byteLength
        if (got > size) throw new CodeError('ERR_BAD_BUNDLE', 'peer sent more bytes than announced')
        await file.write(chunk.subarray())
      }
    } finally {
      await file.close()
    }
    await stream.close({ signal }).catch(() => {})
    await rename(tmp, out)
    return got
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    await rm(tmp, { force: true })
    throw err
  }
}
