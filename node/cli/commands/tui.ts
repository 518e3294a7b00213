import { existsSync, readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { defaultOperatorKeyPath } from '../../identity/paths.js'
import { globals } from '../context.js'
import { socketPathFor } from '../daemon-client.js'

export function register (program: Command): void {
  program.command('tui')
    .description('the fleet dashboard, attached to the local daemon (read-only without an operator key)')
    .option('--socket <path>', 'control socket (default: <dir>/control.sock)')
    .option('--key <file>', `operator key for commands (default: ${defaultOperatorKeyPath()} if present; env SLM_KEY)`)
    .action(async (opts: { socket?: string, key?: string }, cmd: Command) => {
      const g = globals(cmd)
      const socket = opts.socket ?? socketPathFor(g.dir)
      const keyPath = opts.key ?? process.env.SLM_KEY ?? defaultOperatorKeyPath()
      const operatorKeyPem = existsSync(keyPath) ? readFileSync(keyPath, 'utf8') : undefined
      const { ControlClient } = await import('../../control/index.js')
      const { runTui } = await import('../../../tui/index.js')
      await runTui({ connect: async () => await ControlClient.connect(socket), ...(operatorKeyPem != null ? { operatorKeyPem } : {}) })
    })
}
