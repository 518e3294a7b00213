/**
 * libp2p's Ed25519 signature check with a cached key. @libp2p/crypto 5 builds a Node KeyObject
 * from a JWK for every verification (`hashAndVerify`), and Node's key parsing constructs and
 * catches a TypeError on the way: at 30 idle daemons that cost more than the Ed25519 check itself,
 * once for every gossip message (StrictSign) a daemon receives. The check itself is unchanged:
 * `crypto.verify` over the same bytes, with the key parsed once per signer (protocol/sign.ts's
 * bounded cache, shared with our own event and command checks).
 *
 * This patches the prototype of the library's Ed25519 public key class, reached through an
 * instance: the package exports no class and has no option for it. The test in
 * test/node/net/ed25519-verify.test.ts fails if a new version changes what this relies on.
 */
import { verify as edVerify } from 'node:crypto'
import { publicKeyFromRaw as libp2pPublicKeyFromRaw } from '@libp2p/crypto/keys'
import { publicKeyFromRaw } from '../../protocol/sign.js'
import { patchMethodOnce } from './patch.js'

const KEY_BYTES = 32
const SIGNATURE_BYTES = 64

interface Ed25519Public {
  raw: Uint8Array
  verify: (data: Uint8Array | { subarray: () => Uint8Array }, sig: Uint8Array, options?: { signal?: AbortSignal }) => boolean | Promise<boolean>
}

/**
 * The key of the peer a message being validated came from, over a connection whose Noise
 * handshake proved that peer holds it (direct-signer.ts sets it around gossipsub's validation).
 */
let channelKey: Uint8Array | null = null
/** Checks skipped because the channel already proved the signer (a process-wide count, for tests). */
export const channelVerified = { count: 0 }

/** Runs `fn` with `key` counted as proven by the channel: a check of that key's signature passes. */
export function withChannelKey<T> (key: Uint8Array | null, fn: () => T): T {
  const outer = channelKey
  channelKey = key
  try {
    return fn()
  } finally {
    channelKey = outer
  }
}

function sameKey (a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)
}

/** Installs the cached check once per process; later calls are no-ops. */
export function cachedEd25519Verify (): void {
  const proto = Object.getPrototypeOf(libp2pPublicKeyFromRaw(new Uint8Array(KEY_BYTES).fill(1))) as Record<PropertyKey, unknown>
  // `type` is an instance field in the library: a prototype that has one is not the class we know.
  patchMethodOnce<Ed25519Public['verify']>(proto, 'verify', 'slm.libp2p.ed25519CachedVerify', '@libp2p/crypto Ed25519 public key (node/net/ed25519-verify.ts)', (original) => function (this: Ed25519Public, data, sig, options) {
    // Anything unusual (a wrong length, a key of another shape) takes the library's own path.
    if (!(this.raw instanceof Uint8Array) || this.raw.byteLength !== KEY_BYTES || !(sig instanceof Uint8Array) || sig.byteLength !== SIGNATURE_BYTES) {
      return original.call(this, data, sig, options)
    }
    options?.signal?.throwIfAborted()
    if (channelKey != null && sameKey(this.raw, channelKey)) {
      channelVerified.count++
      return true
    }
    return edVerify(null, data instanceof Uint8Array ? data : data.subarray(), publicKeyFromRaw(this.raw), sig)
  }, () => proto.type === undefined)
}
