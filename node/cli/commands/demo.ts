import { readFileSync, rmSync } from 'node:fs'
import type { Command } from 'commander'
import { UsageError } from '../exit.js'
import { print } from '../output.js'

export function register (program: Command): void {
  program.command('demo')
    .description('start a real local fleet (daemons on 127.0.0.1, a demo repo, demo roles) and attach the dashboard')
    .option('--nodes <n>', 'how many daemons (1-50)', '5')
    .option('--no-tui', 'do not attach the dashboard; print the fleet and wait for Ctrl-C')
    .action(async (opts: { nodes: string, tui: boolean }) => {
      const n = Number(opts.nodes)
      if (!Number.isInteger(n) || n < 1 || n > 50) throw new UsageError(`--nodes must be an integer from 1 to 50, got '${opts.nodes}'`)
      const { startDemoFleet, seedDemoFleet } = await import('../../demo/index.js')
      print(`starting a demo fleet of ${n} daemons on 127.0.0.1 ...`)
      const fleet = await startDemoFleet(n, opts.tui ? undefined : print)
      let stopped = false
      const stop = async (): Promise<void> => {
        if (stopped) return
        stopped = true
        await fleet.stop()
      }
      process.once('exit', () => {
        for (const node of fleet.nodes) { try { node.child.kill('SIGKILL') } catch {} }
        try { rmSync(fleet.root, { recursive: true, force: true }) } catch {}
      })
      // A signal's default action skips 'exit' hooks: Ctrl-C, kill, or the terminal closing
      // (SIGHUP) must stop the daemons and remove the temp dir like q does.
      const signalled = new Promise<NodeJS.Signals>((resolve) => {
        // `on`, not `once`: Ink's signal-exit re-raises a signal that has no other listener left,
        // which would kill us before the daemons are stopped.
        for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => { resolve(sig) })
      })
      void signalled.then(async (sig) => {
        await stop()
        process.exit(sig === 'SIGINT' ? 130 : sig === 'SIGHUP' ? 129 : 143)
      })
      try {
        seedDemoFleet(fleet)
        if (opts.tui) {
          const { runTui } = await import('../../../tui/index.js')
          const { ControlClient } = await import('../../control/index.js')
          const { socketPathFor } = await import('../daemon-client.js')
          await runTui({
            connect: async () => await ControlClient.connect(socketPathFor(fleet.nodes[0].dir)),
            operatorKeyPem: readFileSync(fleet.keyFile, 'utf8')
          })
        } else {
          print(`fleet root: ${fleet.root}`)
          print(`try: slm --dir ${fleet.nodes[0].dir} nodes`)
          print(`     slm --dir ${fleet.nodes[0].dir} maintenance enter n2 --type planned --reason test --key ${fleet.keyFile} --wait 10`)
          print('press Ctrl-C to stop the fleet')
          await signalled
        }
      } finally {
        await stop()
      }
    })
}
