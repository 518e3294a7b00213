/**
 * A CommandSigner over a fresh Ed25519 key with node:crypto, for tests that need well-formed
 * signed envelopes without an operator key file. The real signer is `tui/commands/signer.ts`.
 */
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto'
import { canonicalBytes } from '../../../protocol/canonical.js'
import { HybridClock } from '../../../protocol/hlc.js'
import { newCommandId } from '../../../protocol/ids.js'
import type { CommandEnvelope } from '../../../protocol/types.js'
import type { CommandSigner } from '../../../tui/commands/build.js'

export interface TestSigner extends CommandSigner {
  readonly privateKeyPem: string
  verify: (cmd: CommandEnvelope) => boolean
}

export function testSigner (): TestSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)
  const clock = new HybridClock()
  return {
    issuer: `ed25519:${Buffer.from(raw).toString('base64url')}`,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    issuedAt: () => clock.now(),
    newId: () => newCommandId(),
    sign: (unsigned) => ({ ...unsigned, sig: sign(null, canonicalBytes(unsigned), privateKey).toString('base64url') }),
    verify: (cmd) => {
      const { sig, ...unsigned } = cmd
      return verify(null, canonicalBytes(unsigned), createPublicKey(privateKey), Buffer.from(sig, 'base64url'))
    }
  }
}
