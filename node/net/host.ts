/**
 * Builds the libp2p node: TCP + pnet (the fleet key, our own protector: pnet.ts) + Noise + Yamux,
 * identify, ping-based connection monitor, and gossipsub with StrictSign. Only assembly lives here; behaviour is in gossip.ts,
 * sync/ and discovery.ts.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub, StrictSign } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import type { PrivateKey } from '@libp2p/interface'
import type { GossipSub } from '@libp2p/gossipsub'
import { DEFAULT_ALLOW, DEFAULT_COLOCATION_WHITELIST, DEFAULT_MAX_CONNECTIONS } from './constants.js'
import { fleetKeyProtector } from './pnet.js'

export interface HostInit {
  privateKey: PrivateKey
  /** pnet pre-shared key file contents */
  fleetKey: Uint8Array
  listen: string[]
  /** Multiaddr CIDRs exempt from inbound rate limits. @default ['/ip4/127.0.0.0/ipcidr/8'] */
  allow?: string[]
  /** IPs exempt from gossipsub's colocation penalty. @default ['127.0.0.1'] */
  colocationWhitelist?: string[]
  maxConnections?: number
  /** Peers to refuse at the connection level (test-only partitions). */
  isBlocked?: (peerId: string) => boolean
}

export type SlmLibp2p = Libp2p<{ pubsub: GossipSub, identify: unknown }>

export async function createHost (init: HostInit): Promise<SlmLibp2p> {
  const node = await createLibp2p({
    privateKey: init.privateKey,
    start: false,
    addresses: { listen: init.listen },
    transports: [tcp()],
    connectionProtector: fleetKeyProtector({ psk: init.fleetKey }),
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: {
      maxConnections: init.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      allow: init.allow ?? DEFAULT_ALLOW,
      inboundConnectionThreshold: 50
    },
    connectionMonitor: { pingInterval: 5_000 },
    connectionGater: {
      denyDialPeer: async (peer) => init.isBlocked?.(peer.toString()) ?? false,
      denyInboundEncryptedConnection: async (peer) => init.isBlocked?.(peer.toString()) ?? false,
      denyOutboundEncryptedConnection: async (peer) => init.isBlocked?.(peer.toString()) ?? false
    },
    services: {
      identify: identify(),
      pubsub: gossipsub({
        globalSignaturePolicy: StrictSign,
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        emitSelf: false,
        doPX: true,
        // A fleet is small and trusted-by-key: flood our own messages for the lowest latency.
        floodPublish: true,
        scoreParams: {
          IPColocationFactorWhitelist: new Set(init.colocationWhitelist ?? DEFAULT_COLOCATION_WHITELIST)
        }
      })
    }
  })
  return node as unknown as SlmLibp2p
}
