/**
 * The TUI's real signer (`createSigner`) over a fresh operator key, plus a check with protocol's
 * `verifyCommand`, so tests prove the envelopes the TUI sends are what every node accepts.
 */
import { generateOperatorKey, verifyCommand } from '../../../protocol/sign.js'
import type { CommandEnvelope } from '../../../protocol/types.js'
import type { CommandSigner } from '../../../tui/commands/build.js'
import { createSigner } from '../../../tui/commands/signer.js'

export interface TestSigner extends CommandSigner {
  readonly privateKeyPem: string
  readonly publicKey: string
  verify: (cmd: CommandEnvelope) => boolean
}

export function testSigner (): TestSigner {
  const key = generateOperatorKey()
  return {
    ...createSigner(key.privateKeyPem),
    privateKeyPem: key.privateKeyPem,
    publicKey: key.publicKey,
    verify: (cmd) => {
      try {
        verifyCommand(cmd)
        return true
      } catch {
        return false
      }
    }
  }
}
