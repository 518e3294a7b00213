/**
 * Bundle transfer over /slm/code/1.0.0: request `{v, sha}`, answer a JSON header `{ok, size}` (or
 * `{ok: false, code, peers?}`) then the bundle in frames of CHUNK bytes, each acknowledged by the
 * fetcher (`{ack: bytesWritten}`) once it is on disk. The sender keeps at most WINDOW bytes
 * unacknowledged: yamux grants window on receipt, not on read, so without this a sender faster
 * than its reader overflows the reader's 4 MiB stream buffer and the stream is aborted (PITFALLS:
 * stream helpers buffer at most 4 MiB). A bundle counts as served once every byte is acknowledged.
 *
 * A node serves at most `maxUploads` at once; a fetcher beyond that waits up to SLOT_WAIT_MS for
 * an upload to end (uploads of a small bundle take a fraction of a second, and a fetcher told
 * `busy` backs off longer than that) and is then told `busy`. Once it has seeded
 * enough copies its `admit` policy answers `redirect` with the peers it seeded, so the copies
 * spread as a tree and the holder does not serve every node.
 */
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import { lpStream } from '@libp2p/utils'
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import type { ActiveTransfer } from '../../protocol/control.js'
import type { SlmLibp2p } from '../net/host.js'
import { CodeError } from './errors.js'

export const CODE_PROTOCOL = '/slm/code/1.0.0'
const CHUNK = 256 * 1024
/** Unacknowledged bytes a sender may have in flight: well under the reader's 4 MiB buffer. */
export const WINDOW = 2 * 1024 * 1024
const MAX_BUNDLE = 2 * 1024 * 1024 * 1024
const SHA = /^[0-9a-f]{40}$/
const MAX_HINTS = 16
const PEER_ID = /^[1-9A-HJ-NP-Za-km-z]{32,64}$/
/** How long a fetcher waits for one of our upload slots before it is told `busy`. */
export const SLOT_WAIT_MS = 2000

/** Whether to serve `sha` to a peer now; if not, `busy` (come back later) or `redirect` (ask these). */
export type Admission = { serve: true } | { serve: false, code: 'busy' | 'redirect', peers: string[] }

export interface TransferComponents {
  node: SlmLibp2p
  /** Path of a bundle for `sha` we can serve, creating it if we hold the repo; null if we cannot. */
  bundleFor: (sha: string) => Promise<string | null>
  /** Asked before serving; serves everyone (within `maxUploads`) when absent. */
  admit?: (sha: string, peer: string) => Admission
  /** A whole bundle went to `peer` (acknowledged), taking `ms`. */
  onServed: (bytes: number, sha: string, peer: string, ms: number) => void
  onError: (where: string, err: unknown) => void
  /** @default 2 */
  maxUploads?: number
}

export class BundleTransfer {
  private readonly c: TransferComponents
  private uploads = 0
  private readonly maxUploads: number
  /** Fetchers waiting for an upload slot, first come first served: each is handed a slot. */
  private readonly waiting: Array<() => void> = []
  private readonly serving = new Set<ActiveTransfer>()

  constructor (components: TransferComponents) {
    this.c = components
    this.maxUploads = components.maxUploads ?? 2
  }

  /** Uploads in flight, with the bytes each peer acknowledged so far. */
  active (): ActiveTransfer[] {
    return [...this.serving].map(t => ({ ...t }))
  }

  async start (): Promise<void> {
    await this.c.node.handle(CODE_PROTOCOL, async (stream: Stream, connection: Connection) => {
      try {
        await this.serve(stream, connection.remotePeer.toString())
      } catch (err) {
        this.c.onError('code_serve', err)
        stream.abort(err instanceof Error ? err : new Error(String(err)))
      }
    }, { maxInboundStreams: 8 })
  }

  private async serve (stream: Stream, peer: string): Promise<void> {
    const lp = lpStream(stream, { maxDataLength: CHUNK + 1024 })
    const signal = AbortSignal.timeout(600_000)
    const req = JSON.parse(new TextDecoder().decode((await lp.read({ signal })).subarray())) as { sha?: unknown }
    const sha = typeof req?.sha === 'string' && SHA.test(req.sha) ? req.sha : null
    const answer = async (v: unknown): Promise<void> => { await lp.write(new TextEncoder().encode(JSON.stringify(v)), { signal }) }
    if (sha == null) { await answer({ ok: false, code: 'bad_request' }); await stream.close(); return }
    const refuse = async (code: string, peers?: string[]): Promise<void> => {
      await answer({ ok: false, code, ...(peers != null ? { peers: peers.slice(0, MAX_HINTS) } : {}) })
      await stream.close()
    }
    const admitted = (): Admission => this.c.admit?.(sha, peer) ?? { serve: true }
    const first = admitted()
    if (!first.serve) { await refuse(first.code, first.peers); return }
    const slot = await this.acquire()
    if (slot === 'none') { await refuse('busy'); return }
    let progress: ActiveTransfer | undefined
    let file: FileHandle | null = null
    try {
      // Admission again: while this fetcher waited for a slot we may have seeded enough copies.
      const admission = slot === 'waited' ? admitted() : first
      if (!admission.serve) { await refuse(admission.code, admission.peers); return }
      file = await this.openBundle(sha)
      if (file == null) { await refuse('missing'); return }
      const { size } = await file.stat()
      const started = Date.now()
      progress = { sha, peer, direction: 'out', bytes: 0, size, startedAt: started }
      this.serving.add(progress)
      await answer({ ok: true, size })
      let sent = 0
      let acked = 0
      const readAck = async (): Promise<void> => {
        const ack = (JSON.parse(new TextDecoder().decode((await lp.read({ signal })).subarray())) as { ack?: unknown })?.ack
        if (typeof ack !== 'number' || !Number.isInteger(ack) || ack < acked || ack > sent) throw new CodeError('ERR_PROTOCOL', `bad acknowledgement ${String(ack)} (sent ${sent})`)
        acked = ack
        if (progress != null) progress.bytes = acked
      }
      for await (const chunk of file.createReadStream({ highWaterMark: CHUNK, autoClose: false, start: 0 })) {
        while (sent - acked >= WINDOW) await readAck()
        await lp.write(chunk as Buffer, { signal })
        sent += (chunk as Buffer).byteLength
      }
      while (acked < sent) await readAck()
      this.c.onServed(sent, sha, peer, Date.now() - started)
      await stream.close({ signal })
    } finally {
      await file?.close().catch(() => {})
      this.release()
      if (progress != null) this.serving.delete(progress)
    }
  }

  /** The bundle for `sha`, opened; asks once more if the file moved in between (a fetched copy verified). */
  private async openBundle (sha: string): Promise<FileHandle | null> {
    for (let attempt = 0; ; attempt++) {
      const path = await this.c.bundleFor(sha)
      if (path == null) return null
      try {
        return await open(path, 'r')
      } catch (err: any) {
        if (err?.code !== 'ENOENT' || attempt > 0) throw err
      }
    }
  }

  /** An upload slot: free now, handed over within SLOT_WAIT_MS (`waited`), or none. */
  private async acquire (): Promise<'free' | 'waited' | 'none'> {
    if (this.uploads < this.maxUploads) { this.uploads++; return 'free' }
    return await new Promise((resolve) => {
      const take = (): void => { clearTimeout(timer); resolve('waited') }
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(take)
        if (i >= 0) this.waiting.splice(i, 1)
        resolve('none')
      }, SLOT_WAIT_MS)
      timer.unref()
      this.waiting.push(take)
    })
  }

  /** An upload ended: its slot goes to the longest-waiting fetcher, if any. */
  private release (): void {
    const next = this.waiting.shift()
    if (next != null) next()
    else this.uploads--
  }
}

const CODES: Record<string, string> = { busy: 'ERR_BUSY', redirect: 'ERR_REDIRECT' }

/** A peer that would not serve now; `peers` are the ones it suggests asking instead. */
export class TransferRefused extends CodeError {
  readonly peers: string[]
  constructor (code: string, message: string, peers: string[]) {
    super(code, message)
    this.name = 'TransferRefused'
    this.peers = peers
  }
}

/**
 * Fetches `sha`'s bundle from `peer` into `out` (its directory created if needed). Throws a
 * TransferRefused (`ERR_BUSY`, `ERR_REDIRECT` with the peers to ask, `ERR_MISSING`) or CodeError
 * `ERR_BAD_BUNDLE`. Only the transfer is checked here: the caller verifies the content
 * (importBundle) before trusting the file. `onProgress` hears the bytes on disk after each frame.
 */
export async function fetchBundle (node: SlmLibp2p, peer: PeerId, sha: string, out: string, onProgress?: (bytes: number, size: number) => void): Promise<number> {
  const signal = AbortSignal.timeout(600_000)
  const stream = await node.dialProtocol(peer, CODE_PROTOCOL, { signal })
  const tmp = `${out}.part-${process.pid}`
  try {
    const lp = lpStream(stream, { maxDataLength: CHUNK + 1024 })
    await lp.write(new TextEncoder().encode(JSON.stringify({ v: 1, sha })), { signal })
    const head = JSON.parse(new TextDecoder().decode((await lp.read({ signal })).subarray())) as { ok: boolean, size?: number, code?: string, peers?: unknown }
    if (!head.ok) {
      const peers = Array.isArray(head.peers) ? head.peers.filter((p): p is string => typeof p === 'string' && PEER_ID.test(p)).slice(0, MAX_HINTS) : []
      throw new TransferRefused(CODES[String(head.code)] ?? 'ERR_MISSING', `peer cannot serve ${sha.slice(0, 12)}: ${String(head.code)}`, peers)
    }
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
        await lp.write(new TextEncoder().encode(JSON.stringify({ ack: got })), { signal })
        onProgress?.(got, size)
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
