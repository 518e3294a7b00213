/**
 * Gossipsub checks the Ed25519 signature of every message it receives (StrictSign) to learn who
 * wrote it. A message that reaches us straight from its signer came over a connection whose Noise
 * handshake already proved that peer holds the key: the check can tell us nothing more, and on
 * this project's 2-core test host it cost ~130 µs per message, for every member's heartbeat at
 * every member and twice per member for each state transition. With floodPublish and no mesh
 * nearly every message arrives straight from its signer.
 *
 * So while gossipsub validates a message received from peer P, a check of P's own key passes
 * without the arithmetic. A message relayed by anyone else is checked as before, and StrictSign's
 * other rules (signature, seqno and from present; key matching from) are untouched. One thing
 * changes: a member that sends its own message with a broken signature gets it accepted by its
 * direct peers (it is still authentic: the channel proves who sent it), though no one it is relayed
 * to accepts it. Payload signatures (events, operator commands) are checked as always.
 *
 * The key is set only for the synchronous part of the library's validation, which is where it
 * calls verify (before its first await); the test in test/node/net/direct-signer.test.ts fails if
 * a new version of the library no longer does.
 */
import type { GossipSub } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { withChannelKey } from './ed25519-verify.js'
import { patchMethodOnce } from './patch.js'

const KEY_BYTES = 32

type Validate = (this: unknown, source: PeerId, rpcMsg: unknown) => Promise<unknown>

/** Installs the shortcut on gossipsub's class (reached through an instance) once per process. */
export function trustDirectSigners (pubsub: GossipSub): void {
  const proto = Object.getPrototypeOf(pubsub) as object
  patchMethodOnce<Validate>(proto, 'validateReceivedMessage', 'slm.gossipsub.directSigner', '@libp2p/gossipsub GossipSub (node/net/direct-signer.ts)', (original) => function (this: unknown, source, rpcMsg) {
    const raw = source?.publicKey?.type === 'Ed25519' ? source.publicKey.raw : null
    return withChannelKey(raw instanceof Uint8Array && raw.byteLength === KEY_BYTES ? raw : null, () => original.call(this, source, rpcMsg))
  })
}
