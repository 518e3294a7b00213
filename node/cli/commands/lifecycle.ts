/** Node lifecycle commands: admit, reject, maintenance, reprovision, recover, reset-install, retire. */
import type { Command } from 'commander'
import type { NodeView } from '../../../protocol/control.js'
import type { Action, MaintenanceWindow } from '../../../protocol/types.js'
import { newCommandId } from '../../../protocol/ids.js'
import { globals } from '../context.js'
import { withDaemon } from '../daemon-client.js'
import { UsageError } from '../exit.js'
import { commandOptions, issue, targetFrom, type IssueOptions } from '../issue.js'
import { emit, formatTable } from '../output.js'

type TargetOpts = IssueOptions & { all?: boolean, role?: string, tag?: string }

function targeted (parent: Command, name: string, description: string): Command {
  return commandOptions(parent.command(`${name} [nodes...]`).description(description)
    .option('--all', 'every node')
    .option('--role <role>', 'every node with this effective role')
    .option('--tag <tag>', 'every node with this tag'))
}

const MAINT_TYPES = ['draining', 'planned', 'immediate']

function parseTime (name: string, v: string | undefined): number {
  if (v == null) throw new UsageError(`--${name} is required (ISO time like 2026-11-24T02:00:00Z, or +MINUTES from now)`)
  if (/^\+\d+$/.test(v)) return Date.now() + Number(v.slice(1)) * 60_000
  const t = Date.parse(v)
  if (Number.isNaN(t)) throw new UsageError(`--${name} '${v}' is not a time (ISO 8601, or +MINUTES)`)
  return t
}

export function register (program: Command): void {
  const simple: Array<[string, Action, string]> = [
    ['reject', 'reject', 'refuse discovered nodes (discovered -> retired)'],
    ['reprovision', 'reprovision', 'reinstall nodes (online|error -> pending)'],
    ['recover', 'recover', 'mark nodes recovered by hand (error|degraded -> online)'],
    ['retire', 'retire', 'deprovision and retire nodes (final; the record stays for audit)']
  ]
  for (const [name, action, description] of simple) {
    targeted(program, name, description).action(async (nodes: string[], opts: TargetOpts, cmd: Command) => {
      await issue(cmd, action, targetFrom(nodes, opts), {}, opts)
    })
  }

  targeted(program, 'admit', 'admit discovered nodes into the fleet (discovered -> pending)')
    .option('--all-discovered', 'every node currently discovered')
    .action(async (nodes: string[], opts: TargetOpts & { allDiscovered?: boolean }, cmd: Command) => {
      if (opts.allDiscovered === true) {
        if (nodes.length > 0 || opts.all === true || opts.role != null || opts.tag != null) throw new UsageError('--all-discovered takes no other target')
        const g = globals(cmd)
        const found = await withDaemon(g.dir, async (c) => await c.call<NodeView[]>('nodes', { state: 'discovered' }))
        if (found.length === 0) {
          emit(g.json, { admitted: [] }, () => 'no discovered nodes to admit')
          return
        }
        nodes = found.map(n => n.id)
      }
      await issue(cmd, 'admit', targetFrom(nodes, opts), {}, opts)
    })

  targeted(program, 'reset-install', 'retry installing after install_failed (install_failed -> pending)')
    .option('--force', 'reset the attempt counter (needed once 3 attempts failed)')
    .action(async (nodes: string[], opts: TargetOpts & { force?: boolean }, cmd: Command) => {
      await issue(cmd, 'reset_install', targetFrom(nodes, opts), { force: opts.force === true }, opts)
    })

  const maint = program.command('maintenance').description('put nodes into and out of maintenance, and schedule windows')
  targeted(maint, 'enter', 'enter maintenance now')
    .option('--type <type>', `draining (waits for the drain timeout), planned or immediate`, 'planned')
    .option('--reason <text>', 'why (recorded in the audit trail)')
    .action(async (nodes: string[], opts: TargetOpts & { type: string, reason?: string }, cmd: Command) => {
      if (!MAINT_TYPES.includes(opts.type)) throw new UsageError(`--type must be one of ${MAINT_TYPES.join(', ')}, got '${opts.type}'`)
      await issue(cmd, 'maintenance_enter', targetFrom(nodes, opts), { type: opts.type, reason: opts.reason ?? '' }, { ...opts, comment: opts.comment ?? opts.reason })
    })
  targeted(maint, 'exit', 'leave maintenance: offline -> recovering -> online once health checks pass')
    .action(async (nodes: string[], opts: TargetOpts, cmd: Command) => {
      await issue(cmd, 'maintenance_exit', targetFrom(nodes, opts), {}, opts)
    })
  targeted(maint, 'schedule', 'schedule a maintenance window: nodes enter at --start and leave at --end')
    .option('--start <time>', 'ISO 8601 time or +MINUTES')
    .option('--end <time>', 'ISO 8601 time or +MINUTES')
    .option('--type <type>', 'draining, planned or immediate', 'planned')
    .option('--reason <text>', 'why')
    .option('--id <id>', 'window id (default: generated)')
    .action(async (nodes: string[], opts: TargetOpts & { start?: string, end?: string, type: string, reason?: string, id?: string }, cmd: Command) => {
      const start = parseTime('start', opts.start)
      const end = parseTime('end', opts.end)
      if (end <= start) throw new UsageError('--end must be after --start')
      if (!MAINT_TYPES.includes(opts.type)) throw new UsageError(`--type must be one of ${MAINT_TYPES.join(', ')}`)
      const id = opts.id ?? newCommandId().toLowerCase()
      await issue(cmd, 'maintenance_schedule', targetFrom(nodes, opts), { id, start, end, type: opts.type, reason: opts.reason ?? '' }, opts)
    })
  commandOptions(maint.command('cancel <id>').description('cancel a scheduled maintenance window'))
    .action(async (id: string, opts: IssueOptions, cmd: Command) => {
      await issue(cmd, 'maintenance_cancel', { kind: 'all' }, { id }, opts)
    })
  maint.command('windows').description('list scheduled maintenance windows').option('--json', 'JSON output')
    .action(async (_o, cmd: Command) => {
      const g = globals(cmd)
      const windows = await withDaemon(g.dir, async (c) => await c.call<MaintenanceWindow[]>('windows'))
      emit(g.json, windows, (ws) => formatTable(ws, [
        { header: 'id', get: w => w.id },
        { header: 'start', get: w => new Date(w.start).toISOString() },
        { header: 'end', get: w => new Date(w.end).toISOString() },
        { header: 'type', get: w => w.type },
        { header: 'nodes', get: w => w.nodes },
        { header: 'reason', get: w => w.reason }
      ]))
    })
}
