/**
 * `slm keygen [--out FILE] [--force]`: a new operator key (Ed25519, PEM, mode 0600). Prints the
 * public key on stdout, the form `slm init --admin-pubkey` and `slm trust add` take.
 */
import { resolve } from 'node:path'
import { defaultOperatorKeyPath } from '../../identity/paths.js'
import { globals } from '../context.js'
import { print, printJson } from '../output.js'
import type { Command } from 'commander'

export function register (program: Command): void {
  program
    .command('keygen')
    .description('create an operator key and print its public key')
    .option('--out <file>', 'where to write the private key (default: ~/.config/slm/operator.key)')
    .option('--force', 'replace an existing key file (its old key is lost)')
    .action(async (opts: { out?: string, force?: boolean }, command: Command) => {
      const { json } = globals(command)
      const path = resolve(opts.out ?? defaultOperatorKeyPath())
      const { createOperatorKey } = await import('../../identity/operator-key.js')
      const key = await createOperatorKey(path, { force: opts.force === true })
      if (json) {
        printJson({ publicKey: key.publicKey, path })
        return
      }
      process.stderr.write(`wrote operator key to ${path} (mode 0600)\n`)
      print(key.publicKey)
    })
}
