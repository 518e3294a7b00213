/**
 * One-request-one-response over a libp2p stream with length-prefixed frames (libp2p 3 streams:
 * handlers get `(stream, connection)`, `lpStream` from @libp2p/utils reads and writes frames).
 * Used by anti-entropy and peer exchange; bundles use their own chunked stream.
 */
import { lpStream } from '@libp2p/utils'
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import type { SlmLibp2p } from './host.js'

export interface RpcOptions {
  maxRequestBytes: number
  maxResponseBytes: number
  timeoutMs: number
}

export type RpcHandler = (request: Uint8Array, peer: PeerId) => Promise<Uint8Array>

export async function handleRpc (node: SlmLibp2p, protocol: string, opts: RpcOptions, handler: RpcHandler, onError: (reason: string, err: unknown) => void): Promise<void> {
  await node.handle(protocol, async (stream: Stream, connection: Connection) => {
    const signal = AbortSignal.timeout(opts.timeoutMs)
    try {
      const lp = lpStream(stream, { maxDataLength: opts.maxRequestBytes })
      const req = await lp.read({ signal })
      const res = await handler(req.subarray(), connection.remotePeer)
      await lp.write(res, { signal })
      await stream.close({ signal })
    } catch (err) {
      onError('rpc_handler', err)
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }, { maxInboundStreams: 16, runOnLimitedConnection: false })
}

export async function callRpc (node: SlmLibp2p, peer: PeerId, protocol: string, request: Uint8Array, opts: RpcOptions): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(opts.timeoutMs)
  const stream = await node.dialProtocol(peer, protocol, { signal })
  try {
    const lp = lpStream(stream, { maxDataLength: opts.maxResponseBytes })
    await lp.write(request, { signal })
    const res = await lp.read({ signal })
    await stream.close({ signal }).catch(() => {})
    return res.subarray()
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}
