/**
 * The operator's signer for the TUI: the key from `--key`, an HLC for `issuedAt` and ULID ids,
 * all from protocol/ so the envelope is exactly what `slm` on the CLI would send.
 */
import { HybridClock } from '../../protocol/hlc.js'
import { newCommandId } from '../../protocol/ids.js'
import { operatorPublicKeyFromPem, signCommand } from '../../protocol/sign.js'
import type { CommandSigner } from './build.js'

export function createSigner (privateKeyPem: string, clock: HybridClock = new HybridClock()): CommandSigner {
  const issuer = operatorPublicKeyFromPem(privateKeyPem)
  return {
    issuer,
    issuedAt: () => clock.now(),
    newId: () => newCommandId(),
    sign: (unsigned) => signCommand(unsigned, privateKeyPem)
  }
}
