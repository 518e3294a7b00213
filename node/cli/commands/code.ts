/** Code commands: the code-source role, git hook notification, announced commits, rollouts. */
import type { Command } from 'commander'
import type { CodeCommitView, CodeStatusView } from '../../../protocol/control.js'
import type { UpdateStrategy } from '../../../protocol/types.js'
import { globals } from '../context.js'
import { withDaemon } from '../daemon-client.js'
import { EXIT_FAILED, ExitError, UsageError } from '../exit.js'
import { commandOptions, issue, type IssueOptions } from '../issue.js'
import { emit, formatKeyValues, formatTable, print } from '../output.js'

const STRATEGIES: UpdateStrategy[] = ['all-at-once', 'rolling', 'maintenance-window']

function statusTable (s: CodeStatusView): string {
  return s.roles.map(r => {
    const head = `role ${r.role}: desired ${r.desired?.sha.slice(0, 12) ?? '-'} (${r.desired?.strategy ?? '-'}${r.desired?.paused === true ? ', paused' : ''})  ${r.done}/${r.total} in sync${r.failed > 0 ? `, ${r.failed} failed` : ''}${r.halted ? ', HALTED' : ''}`
    return head + '\n' + formatTable(r.nodes, [
      { header: 'node', get: n => n.nodeName },
      { header: 'running', get: n => n.running?.slice(0, 12) },
      { header: 'attempted', get: n => n.attempted?.slice(0, 12) },
      { header: 'reason', get: n => n.reason },
      { header: 'message', get: n => n.message?.split('\n')[0].slice(0, 80) }
    ])
  }).join('\n') || 'no desired commits set (slm code sync --role R --commit SHA)\n'
}

/** Resolves an abbreviated sha against announced commits; a full sha passes as is. */
async function fullSha (dir: string, commit: string): Promise<string> {
  if (/^[0-9a-f]{40}$/.test(commit)) return commit
  if (!/^[0-9a-f]{4,39}$/.test(commit)) throw new UsageError(`--commit must be a hex commit sha, got '${commit}'`)
  const log = await withDaemon(dir, async (c) => await c.call<CodeCommitView[]>('code.log'))
  const hits = log.filter(l => l.sha.startsWith(commit))
  if (hits.length !== 1) throw new UsageError(hits.length === 0 ? `no announced commit starts with ${commit}; give the full sha` : `${commit} is ambiguous; give more digits`)
  return hits[0].sha
}

export function register (program: Command): void {
  const cs = program.command('code-source').description('the code-source role: holder, term, lease; pin or unpin it')
    .option('--json', 'JSON output')
    .action(async (_o, cmd: Command) => {
      const g = globals(cmd)
      const v = await withDaemon(g.dir, async (c) => await c.call<Record<string, any>>('codeSource'))
      emit(g.json, v, (x) => formatKeyValues([
        ['holder', x.holder == null ? 'none' : `${String(x.holderName)} (${String(x.holder)})`],
        ['term', x.term], ['lease expires', x.expiresAt == null ? '-' : new Date(x.expiresAt).toISOString()],
        ['pinned', x.pinned ?? 'no'], ['candidates', (x.candidates as any[]).map(c => `${String(c.name)}${c.alive === true ? '' : '(down)'}`)]
      ]))
    })
  commandOptions(cs.command('pin <node>').description('pin the code-source role to a node'))
    .action(async (node: string, opts: IssueOptions, cmd: Command) => { await issue(cmd, 'code_source_pin', { kind: 'all' }, { node }, opts) })
  commandOptions(cs.command('unpin').description('let the fleet elect the code source again'))
    .action(async (opts: IssueOptions, cmd: Command) => { await issue(cmd, 'code_source_unpin', { kind: 'all' }, {}, opts) })

  const code = program.command('code').description('announced commits and rollouts by role')
  code.command('notify').description('announce the repo HEAD (run by the git hook on the code-source node)')
    .option('--rev <rev>', 'commit to announce (default HEAD)')
    .option('--quiet', 'print nothing (for hooks)')
    .action(async (opts: { rev?: string, quiet?: boolean }, cmd: Command) => {
      const g = globals(cmd)
      const res = await withDaemon(g.dir, async (c) => await c.call<Record<string, unknown>>('code.notify', { rev: opts.rev }))
      if (opts.quiet !== true) emit(g.json, res, (r) => r.announced === true ? `announced ${String(r.sha)}` : String(r.reason ?? 'already announced'))
    })
  code.command('log').description('announced commits, newest first').option('--json', 'JSON output')
    .action(async (_o, cmd: Command) => {
      const g = globals(cmd)
      const log = await withDaemon(g.dir, async (c) => await c.call<CodeCommitView[]>('code.log'))
      emit(g.json, log, (rows) => formatTable(rows, [
        { header: 'sha', get: r => r.sha.slice(0, 12) }, { header: 'branch', get: r => r.branch },
        { header: 'author', get: r => r.author }, { header: 'roles', get: r => r.affectedRoles },
        { header: 'message', get: r => r.message.split('\n')[0] }
      ]))
    })
  code.command('status').description('per node: desired, running and last attempted commit, with a reason when they differ')
    .option('--role <role>', 'only this role').option('--json', 'JSON output')
    .action(async (opts: { role?: string }, cmd: Command) => {
      const g = globals(cmd)
      const s = await withDaemon(g.dir, async (c) => await c.call<CodeStatusView>('code.status', { role: opts.role }))
      emit(g.json, s, statusTable)
    })
  commandOptions(code.command('sync').description('set a role\'s desired commit; nodes of the role roll it out'))
    .requiredOption('--role <role>', 'the role to update')
    .requiredOption('--commit <sha>', 'commit to run (full sha, or a prefix of an announced one)')
    .option('--strategy <s>', `${STRATEGIES.join(' | ')}`, 'all-at-once')
    .option('--batch <n>', 'nodes at a time for rolling', '1')
    .action(async (opts: IssueOptions & { role: string, commit: string, strategy: string, batch: string }, cmd: Command) => {
      const g = globals(cmd)
      if (!STRATEGIES.includes(opts.strategy as UpdateStrategy)) throw new UsageError(`--strategy must be one of ${STRATEGIES.join(', ')}`)
      const batch = Number(opts.batch)
      if (!Number.isInteger(batch) || batch < 1 || batch > 100) throw new UsageError('--batch must be an integer from 1 to 100')
      const sha = await fullSha(g.dir, opts.commit)
      await issue(cmd, 'code_sync', { kind: 'role', role: opts.role }, { role: opts.role, commit: sha, strategy: opts.strategy, batch }, { ...opts, wait: undefined })
      if (opts.wait != null) await waitRollout(g.dir, g.json, opts.role, sha, Number(opts.wait))
    })
  for (const [verb, action, what] of [['pause', 'code_pause', 'suspend'], ['resume', 'code_resume', 'resume'], ['rollback', 'code_rollback', 'roll back to the previous desired commit of']] as const) {
    commandOptions(code.command(verb).description(`${what} a role's rollout`)).requiredOption('--role <role>', 'the role')
      .action(async (opts: IssueOptions & { role: string }, cmd: Command) => { await issue(cmd, action, { kind: 'all' }, { role: opts.role }, opts) })
  }
}

/** Follows a rollout until every alive node of the role runs `sha`, or it fails or halts. */
async function waitRollout (dir: string, json: boolean, role: string, sha: string, seconds: number): Promise<void> {
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError('--wait must be a positive number of seconds')
  const deadline = Date.now() + seconds * 1000
  let last = ''
  while (Date.now() < deadline) {
    const s = await withDaemon(dir, async (c) => await c.call<CodeStatusView>('code.status', { role }))
    const r = s.roles[0]
    const line = r == null ? '' : `${r.done}/${r.total} in sync${r.failed > 0 ? `, ${r.failed} failed` : ''}${r.halted ? ', halted' : ''}`
    if (line !== last && !json) print(`${role}: ${line}`)
    last = line
    if (r != null && r.desired?.sha === sha) {
      if (r.failed > 0 || r.halted) {
        if (json) print(JSON.stringify(r))
        throw new ExitError(EXIT_FAILED, `rollout of ${sha.slice(0, 12)} to ${role} failed: ${r.nodes.filter(n => n.reason === 'failed' || n.reason === 'rolled_back').map(n => `${n.nodeName}${n.message != null ? ` (${n.message})` : ''}`).join(', ')}`)
      }
      if (r.nodes.every(n => n.reason === 'in_sync' || n.reason === 'offline')) {
        if (json) print(JSON.stringify(r))
        return
      }
    }
    await new Promise(resolve => setTimeout(resolve, 500))
  }
  throw new ExitError(EXIT_FAILED, `rollout of ${sha.slice(0, 12)} to ${role} did not finish within ${seconds} s`)
}
