import type { Command } from 'commander'
import type { AuditItem } from '../../../protocol/control.js'
import { globals } from '../context.js'
import { withDaemon } from '../daemon-client.js'
import { UsageError } from '../exit.js'
import { emit, formatTable } from '../output.js'

export function register (program: Command): void {
  program.command('audit')
    .description('fleet-wide audit trail: transitions, command results, installs, remediation, code (newest first)')
    .option('--node <node>', 'only this node (id or name)')
    .option('--operator <name>', 'only actions by this operator')
    .option('--since <time>', 'only after this time (ISO 8601, or -MINUTES ago)')
    .option('--limit <n>', 'at most this many rows (default 200)')
    .option('--json', 'JSON output')
    .action(async (opts: { node?: string, operator?: string, since?: string, limit?: string }, cmd: Command) => {
      const g = globals(cmd)
      let since: number | undefined
      if (opts.since != null) {
        since = /^-\d+$/.test(opts.since) ? Date.now() + Number(opts.since) * 60_000 : Date.parse(opts.since)
        if (Number.isNaN(since)) throw new UsageError(`--since '${opts.since}' is not a time`)
      }
      const limit = opts.limit != null ? Number(opts.limit) : 200
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer')
      const items = await withDaemon(g.dir, async (c) => await c.call<AuditItem[]>('audit', { node: opts.node, operator: opts.operator, since, limit }))
      emit(g.json, items, (rows) => formatTable(rows, [
        { header: 'when', get: (r: AuditItem) => new Date(r.at).toISOString() },
        { header: 'node', get: r => r.nodeName },
        { header: 'type', get: r => r.type },
        { header: 'operator', get: r => r.operator },
        { header: 'what', get: r => r.summary }
      ]))
    })
}
