/** Fleet-data commands: roles, tags, trust list, admission policy. */
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import type { RoleDefinition, TrustEntry } from '../../../protocol/types.js'
import { globals } from '../context.js'
import { withDaemon } from '../daemon-client.js'
import { UsageError } from '../exit.js'
import { commandOptions, issue, targetFrom, type IssueOptions } from '../issue.js'
import { emit, formatTable } from '../output.js'

type TargetOpts = IssueOptions & { all?: boolean, role?: string, tag?: string }

async function readRoleFile (file: string): Promise<RoleDefinition> {
  let text: string
  try { text = readFileSync(file, 'utf8') } catch (err: any) { throw new UsageError(`cannot read ${file}: ${err.message}`) }
  const { parseRoleYaml } = await import('../../roles/index.js')
  return parseRoleYaml(text)
}

function targetedOn (parent: Command, spec: string, description: string): Command {
  return commandOptions(parent.command(spec).description(description)
    .option('--all', 'every node').option('--role <role>', 'every node with this effective role').option('--tag <tag>', 'every node with this tag'))
}

export function register (program: Command): void {
  const role = program.command('role').description('role definitions and assignments')
  role.command('list').description('role definitions').option('--json', 'JSON output')
    .action(async (_o, cmd: Command) => {
      const g = globals(cmd)
      const roles = await withDaemon(g.dir, async (c) => await c.call<RoleDefinition[]>('roles'))
      emit(g.json, roles, (rs) => formatTable(rs, [
        { header: 'name', get: r => r.name }, { header: 'type', get: r => r.serviceType },
        { header: 'services', get: r => r.systemdServices }, { header: 'ports', get: r => r.ports },
        { header: 'target', get: r => r.targetPath }, { header: 'description', get: r => r.description }
      ]))
    })
  for (const verb of ['define', 'update']) {
    commandOptions(role.command(`${verb} <file>`).description(`${verb} a role from a YAML file`))
      .action(async (file: string, opts: IssueOptions, cmd: Command) => {
        await issue(cmd, 'role_define', { kind: 'all' }, { role: await readRoleFile(file) }, opts)
      })
  }
  commandOptions(role.command('delete <name>').description('delete a role definition'))
    .action(async (name: string, opts: IssueOptions, cmd: Command) => { await issue(cmd, 'role_delete', { kind: 'all' }, { name }, opts) })
  targetedOn(role, 'assign <role> [nodes...]', 'assign a role to nodes (assigned overrides detected)')
    .action(async (r: string, nodes: string[], opts: TargetOpts, cmd: Command) => { await issue(cmd, 'role_assign', targetFrom(nodes, opts), { role: r }, opts) })
  targetedOn(role, 'unassign <role> [nodes...]', 'remove a role assignment')
    .action(async (r: string, nodes: string[], opts: TargetOpts, cmd: Command) => { await issue(cmd, 'role_unassign', targetFrom(nodes, opts), { role: r }, opts) })

  const tag = program.command('tag').description('node tags')
  targetedOn(tag, 'add <tag> [nodes...]', 'tag nodes')
    .action(async (t: string, nodes: string[], opts: TargetOpts, cmd: Command) => { await issue(cmd, 'tag_add', targetFrom(nodes, opts), { tag: t }, opts) })
  targetedOn(tag, 'remove <tag> [nodes...]', 'untag nodes')
    .action(async (t: string, nodes: string[], opts: TargetOpts, cmd: Command) => { await issue(cmd, 'tag_remove', targetFrom(nodes, opts), { tag: t }, opts) })

  const trust = program.command('trust').description('operator keys the fleet trusts (admin only to change)')
  trust.command('list').description('trusted operator keys').option('--json', 'JSON output')
    .action(async (_o, cmd: Command) => {
      const g = globals(cmd)
      const list = await withDaemon(g.dir, async (c) => await c.call<TrustEntry[]>('trust'))
      emit(g.json, list, (ts) => formatTable(ts, [{ header: 'name', get: t => t.name }, { header: 'role', get: t => t.role }, { header: 'key', get: t => t.key }]))
    })
  commandOptions(trust.command('add <pubkey>').description('trust an operator key'))
    .requiredOption('--role <role>', 'admin, operator or viewer')
    .requiredOption('--name <name>', 'who holds the key')
    .action(async (key: string, opts: IssueOptions & { role: string, name: string }, cmd: Command) => {
      if (!['admin', 'operator', 'viewer'].includes(opts.role)) throw new UsageError(`--role must be admin, operator or viewer, got '${opts.role}'`)
      await issue(cmd, 'trust_add', { kind: 'all' }, { key, name: opts.name, role: opts.role }, opts)
    })
  commandOptions(trust.command('remove <pubkey>').description('stop trusting an operator key (the last admin cannot be removed)'))
    .action(async (key: string, opts: IssueOptions, cmd: Command) => { await issue(cmd, 'trust_remove', { kind: 'all' }, { key }, opts) })

  commandOptions(program.command('admission-policy <policy>').description('manual (default): new nodes wait for admit; auto: every node with the fleet key is admitted'))
    .action(async (policy: string, opts: IssueOptions, cmd: Command) => {
      if (policy !== 'manual' && policy !== 'auto') throw new UsageError(`policy must be 'manual' or 'auto', got '${policy}'`)
      await issue(cmd, 'admission_policy', { kind: 'all' }, { policy }, opts)
    })
}
