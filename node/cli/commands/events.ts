import type { Command } from 'commander'
import { PERIODIC_KINDS, type ReplicaChange } from '../../../protocol/control.js'
import { globals } from '../context.js'
import { socketPathFor } from '../daemon-client.js'
import { ControlClient } from '../../control/index.js'
import { UsageError } from '../exit.js'
import { printJsonLine, print } from '../output.js'

function human (c: ReplicaChange): string {
  const at = new Date(c.receivedAt).toISOString()
  const what = c.kind === 'event' && c.event?.type === 'transition'
    ? `${c.event.body.from} -> ${c.event.body.to}`
    : c.kind === 'register' ? `${c.key ?? ''}` : c.kind === 'liveness' ? `${c.liveness ?? ''}` : ''
  return `${at}  ${c.kind.padEnd(9)} ${String(c.type).padEnd(15)} ${c.origin}${c.seq != null ? '#' + String(c.seq) : ''}  ${what}`
}

export function register (program: Command): void {
  program.command('events')
    .description('stream replica changes as they are stored (one JSON object per line with --json)')
    .option('--follow', 'keep streaming until interrupted (required: this is a live stream)')
    .option('--heartbeats', 'include heartbeat and liveness changes')
    .option('--json', 'one JSON object per line')
    .action(async (opts: { follow?: boolean, heartbeats?: boolean }, cmd: Command) => {
      const g = globals(cmd)
      if (opts.follow !== true) throw new UsageError("'slm events' streams live changes: pass --follow (use 'slm audit' for history)")
      const client = await ControlClient.connect(socketPathFor(g.dir))
      await new Promise<void>((resolve) => {
        const stop = (): void => { client.close(); resolve() }
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
        client.onClose(resolve)
        void client.subscribe((c) => {
          // The daemon skips them already; an older one that ignores skipKinds still sends them.
          if (opts.heartbeats !== true && PERIODIC_KINDS.includes(c.kind)) return
          if (g.json) printJsonLine(c)
          else print(human(c))
        }, opts.heartbeats === true ? {} : { skipKinds: PERIODIC_KINDS })
      })
    })
}
