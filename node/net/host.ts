/**
 * Builds the libp2p node: TCP + pnet (the fleet key, our own protector: pnet.ts) + Noise + Yamux,
 * identify, and gossipsub with StrictSign. Only assembly lives here; behaviour is in gossip.ts,
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
import { trustDirectSigners } from './direct-signer.js'
import { halfWindowUpdates } from './yamux-window.js'
import { cachedEd25519Verify } from './ed25519-verify.js'
import { noiseCrypto } from './noise-crypto.js'
import { quietLengthPrefixes } from './length-prefix.js'
import { GOSSIP_FACTOR, GOSSIP_LAZY_PEERS } from './lazy-gossip.js'

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

const IDONTWANT_MIN_BYTES = 64 * 1024
/** Idle time before the kernel starts keepalive probes on a peer's socket. */
const TCP_KEEPALIVE_MS = 60_000
/** Mesh degree 0: publish goes to every connected peer, nothing is pushed on by relays. */
const NO_MESH = { D: 0, Dlo: 0, Dhi: 0, Dout: 0, Dscore: 0 }

/** From + seqno of a gossipsub message: who signed it and which of theirs it is. */
export function fastMsgId (msg: { from?: Uint8Array, seqno?: Uint8Array, data?: Uint8Array }): string {
  if (msg.from == null || msg.seqno == null) return `!${Buffer.from(msg.data ?? []).toString('base64')}`
  return `${Buffer.from(msg.from).toString('base64')}:${Buffer.from(msg.seqno).toString('hex')}`
}

export async function createHost (init: HostInit): Promise<SlmLibp2p> {
  halfWindowUpdates()
  cachedEd25519Verify()
  quietLengthPrefixes()
  const node = await createLibp2p({
    privateKey: init.privateKey,
    start: false,
    addresses: { listen: init.listen },
    // @libp2p/tcp closes a socket after 2 minutes without a byte either way. With beat relays
    // (node/daemon/beat-relay.ts) two members that are not relays exchange nothing while the
    // fleet is idle, so every such link was cut and redialled every two minutes (a liveness and
    // full-heartbeat storm). Dead links are found as before: a member's heartbeats stop and the
    // daemon hangs up (Daemon.hangUp); the kernel's keepalive probes idle sockets too.
    transports: [tcp({
      inboundSocketInactivityTimeout: 0,
      outboundSocketInactivityTimeout: 0,
      dialOpts: { keepAlive: true, keepAliveInitialDelay: TCP_KEEPALIVE_MS },
      listenOpts: { keepAlive: true, keepAliveInitialDelay: TCP_KEEPALIVE_MS }
    })],
    connectionProtector: fleetKeyProtector({ psk: init.fleetKey }),
    connectionEncrypters: [noise({ crypto: noiseCrypto })],
    // Yamux pings every connection both ways every 30 s: at 30 members that was a third of the
    // frames an idle daemon handled (each through Noise and pnet) and ~4 % of its CPU. Every
    // connection carries a heartbeat each way every interval anyway, and the daemon hangs up on
    // a member its liveness finds unreachable (Daemon.hangUp), so a dead link does not linger.
    streamMuxers: [yamux({ enableKeepAlive: false })],
    connectionManager: {
      maxConnections: init.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      allow: init.allow ?? DEFAULT_ALLOW,
      inboundConnectionThreshold: 50
    },
    // A ping stream per connection every 30 s was a large idle fleet's busiest traffic; the daemon
    // hangs up on members its liveness finds unreachable instead (Daemon.hangUp).
    connectionMonitor: { enabled: false },
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
        // Each node publishes straight to every peer it is connected to, and there is no mesh to
        // forward along: a fleet up to maxConnections is one hop wide, so each message arrives
        // once instead of once per mesh peer (D=6 plus the flood: ~7 copies, each through pnet,
        // Noise and Yamux — most of an idle fleet's CPU). Peers that missed a message (not yet
        // connected, or beyond maxConnections in a larger fleet) get it from the lazy gossip:
        // every heartbeat a few peers hear the ids we hold (IHAVE) and ask for what they lack,
        // while anyone could lack something (lazy-gossip.ts turns it off in a fully connected
        // fleet). Anti-entropy stays the guarantee for events and commands.
        floodPublish: true,
        // A publish goes to every peer: encode its RPC once for all of them, not once per peer
        // (an idle daemon's heartbeat was 49 identical encodings at 50 members). What it forgoes,
        // IHAVE and control riding along on the publish, goes out at the next gossipsub heartbeat.
        batchPublish: true,
        ...NO_MESH,
        Dlazy: GOSSIP_LAZY_PEERS,
        gossipFactor: GOSSIP_FACTOR,
        // Every copy of a message (a node gets one from most of its peers) was signature-checked
        // before the duplicate check: most of an idle daemon's CPU. The StrictSign message id is
        // from + seqno anyway, and a fast id is cached only after its message validated.
        fastMsgIdFn: fastMsgId,
        // IDONTWANT (gossipsub 1.2) pays off for large messages; ours are a few KiB at most, and
        // sending one to every mesh peer per message cost more than the copies it saved.
        idontwantMinDataSize: IDONTWANT_MIN_BYTES,
        scoreParams: {
          IPColocationFactorWhitelist: new Set(init.colocationWhitelist ?? DEFAULT_COLOCATION_WHITELIST)
        }
      })
    }
  })
  trustDirectSigners((node as unknown as SlmLibp2p).services.pubsub)
  return node as unknown as SlmLibp2p
}
