import type { Command } from 'commander'
import type { HistoryItem, NodeView, Page } from '../../../protocol/control.js'
import { NODE_STATES } from '../../../protocol/types.js'
import { globals } from '../context.js'
import { withDaemon } from '../daemon-client.js'
import { UsageError } from '../exit.js'
import { emit, formatAge, formatKeyValues, formatTable } from '../output.js'

function pct (n: number | undefined): string {
  return n == null ? '-' : `${Math.round(n)}%`
}

function nodesTable (nodes: NodeView[]): string {
  const now = Date.now()
  return formatTable(nodes, [
    { header: 'name', get: n => n.name },
    { header: 'state', get: n => n.state },
    { header: 'liveness', get: n => n.liveness },
    { header: 'roles', get: n => n.roles },
    { header: 'cpu', get: n => pct(n.health?.cpuPercent), align: 'right' },
    { header: 'mem', get: n => pct(n.health?.memoryPercent), align: 'right' },
    { header: 'disk', get: n => pct(n.health?.diskPercent), align: 'right' },
    { header: 'heartbeat', get: n => formatAge(n.lastHeartbeat ?? undefined, now) },
    { header: 'id', get: n => n.id }
  ])
}

function intOpt (name: string, v: string | undefined, min: number, max: number, dflt: number): number {
  if (v == null) return dflt
  const n = Number(v)
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${v}'`)
  return n
}

export function register (program: Command): void {
  program.command('nodes')
    .description('every node of the fleet as this replica sees it')
    .option('--state <state>', `only nodes in this lifecycle state (${NODE_STATES.join(', ')})`)
    .option('--role <role>', 'only nodes with this effective role')
    .option('--json', 'machine-readable JSON output')
    .action(async (opts: { state?: string, role?: string }, cmd: Command) => {
      const g = globals(cmd)
      if (opts.state != null && !(NODE_STATES as readonly string[]).includes(opts.state)) {
        throw new UsageError(`unknown state '${opts.state}'; states are: ${NODE_STATES.join(', ')}`)
      }
      const nodes = await withDaemon(g.dir, async (c) => await c.call<NodeView[]>('nodes', { state: opts.state, role: opts.role }))
      emit(g.json, nodes, nodesTable)
    })

  const node = program.command('node').description('one node: details and transition history')
  node.command('show <node>')
    .description('details of one node (id or name)')
    .option('--json', 'machine-readable JSON output')
    .action(async (id: string, _opts, cmd: Command) => {
      const g = globals(cmd)
      const n = await withDaemon(g.dir, async (c) => await c.call<NodeView>('node', { id }))
      emit(g.json, n, (v) => formatKeyValues([
        ['id', v.id], ['name', v.name], ['state', v.state], ['liveness', v.liveness],
        ['roles (effective)', v.roles], ['roles (assigned)', v.assignedRoles],
        ['roles (detected)', Object.entries(v.detectedRoles).map(([r, d]) => `${r}:${d.status}`)],
        ['tags', v.tags], ['versions', Object.entries(v.versions).map(([r, s]) => `${r}@${s.slice(0, 12)}`)],
        ['cpu / mem / disk', v.health == null ? '-' : `${pct(v.health.cpuPercent)} / ${pct(v.health.memoryPercent)} / ${pct(v.health.diskPercent)}`],
        ['last heartbeat', formatAge(v.lastHeartbeat ?? undefined, Date.now())],
        ['install attempts', v.installAttempts], ['last error', v.lastError],
        ['addresses', v.addrs]
      ]))
    })
  node.command('history <node>')
    .description('transition history of one node, newest first')
    .option('--limit <n>', 'rows per page (1-200)', '50')
    .option('--offset <n>', 'rows to skip', '0')
    .option('--json', 'machine-readable JSON output')
    .action(async (id: string, opts: { limit?: string, offset?: string }, cmd: Command) => {
      const g = globals(cmd)
      const limit = intOpt('limit', opts.limit, 1, 200, 50)
      const offset = intOpt('offset', opts.offset, 0, Number.MAX_SAFE_INTEGER, 0)
      const page = await withDaemon(g.dir, async (c) => await c.call<Page<HistoryItem>>('history', { id, limit, offset }))
      emit(g.json, page, (p) => formatTable(p.items, [
        { header: 'when', get: (h: HistoryItem) => new Date(h.at).toISOString() },
        { header: 'from', get: h => h.from },
        { header: 'to', get: h => h.to },
        { header: 'trigger', get: h => h.trigger },
        { header: 'operator', get: h => h.operator?.name },
        { header: 'comment', get: h => h.comment }
      ]) + `(${p.offset + 1}-${p.offset + p.items.length} of ${p.total})`)
    })
}
