/**
 * Issuing a signed operator command from the CLI: resolve targets against the local replica, sign
 * with the operator key, submit through the control socket, and with `--wait` follow each target's
 * result as it arrives (exit 1 if any failed, was rejected or did not answer in time).
 */
import type { Command } from 'commander'
import { PERIODIC_KINDS, type CommandResultView, type NodeView, type ReplicaChange } from '../../protocol/control.js'
import { hlcFromMs } from '../../protocol/hlc.js'
import { newCommandId } from '../../protocol/ids.js'
import { PROTOCOL_VERSION, type Action, type CommandEnvelope, type Target } from '../../protocol/types.js'
import { defaultOperatorKeyPath } from '../identity/paths.js'
import { NODE_ACTIONS } from '../commands/policy.js'
import { matchesTarget } from '../commands/target.js'
import type { ControlClient } from '../control/index.js'
import { globals } from './context.js'
import { withDaemon } from './daemon-client.js'
import { EXIT_FAILED, ExitError, UsageError } from './exit.js'
import { print, printJson, printJsonLine } from './output.js'

export interface IssueOptions {
  key?: string
  comment?: string
  wait?: string
  expires?: string
}

/** Adds the options every command-issuing subcommand shares. */
export function commandOptions (cmd: Command): Command {
  return cmd
    .option('--key <file>', `operator key file (default: ${defaultOperatorKeyPath()}; env SLM_KEY)`)
    .option('--comment <text>', 'comment recorded in the audit trail')
    .option('--wait <seconds>', 'wait for every target\'s result; exit 1 if any failed or timed out')
    .option('--expires <seconds>', 'the command expires if not applied within this time (default 86400)')
    .option('--json', 'machine-readable JSON output')
}

/** Node targets from positional args (names or ids), or --all / --role / --tag. */
export function targetFrom (nodes: string[], opts: { all?: boolean, role?: string, tag?: string }): Target {
  const given = [nodes.length > 0, opts.all === true, opts.role != null, opts.tag != null].filter(Boolean).length
  if (given === 0) throw new UsageError('name the target nodes (ids or names), or use --all, --role R or --tag T')
  if (given > 1) throw new UsageError('give exactly one of: node names/ids, --all, --role, --tag')
  if (opts.all === true) return { kind: 'all' }
  if (opts.role != null) return { kind: 'role', role: opts.role }
  if (opts.tag != null) return { kind: 'tag', tag: opts.tag }
  return { kind: 'nodes', nodes }
}

function seconds (name: string, v: string | undefined, dflt: number): number {
  if (v == null) return dflt
  const n = Number(v)
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number of seconds, got '${v}'`)
  return n
}

/** Names -> ids where the replica knows them, so register keys agree on every replica. */
function resolveTarget (target: Target, nodes: NodeView[]): Target {
  if (target.kind !== 'nodes') return target
  const out = target.nodes.map((t) => {
    const hits = nodes.filter(n => n.id === t || n.name === t)
    if (hits.length === 0) throw new UsageError(`no node named or with id '${t}' in this replica (see 'slm nodes')`)
    if (hits.length > 1) throw new UsageError(`'${t}' names ${hits.length} nodes; use the node id`)
    return hits[0].id
  })
  return { kind: 'nodes', nodes: [...new Set(out)] }
}

const FINAL = new Set(['applied', 'failed', 'rejected'])

export async function issue (cmd: Command, action: Action, target: Target, params: Record<string, unknown>, opts: IssueOptions): Promise<void> {
  const g = globals(cmd)
  const waitS = opts.wait != null ? seconds('wait', opts.wait, 0) : null
  const expiresS = seconds('expires', opts.expires, 86_400)
  // Loaded here, not at start-up, and only the operator key's module: the node-key half of
  // identity/ pulls in libp2p's crypto, which was most of a signed command's start-up time.
  const [{ loadOperatorKey }, { signCommand }] = await Promise.all([import('../identity/operator-key.js'), import('../../protocol/sign.js')])
  const key = await loadOperatorKey(opts.key ?? process.env.SLM_KEY ?? defaultOperatorKeyPath())
  await withDaemon(g.dir, async (client) => {
    const nodes = await client.call<NodeView[]>('nodes')
    const resolved = resolveTarget(target, nodes)
    const now = Date.now()
    const unsigned = {
      v: PROTOCOL_VERSION,
      id: newCommandId(now),
      issuer: key.publicKey,
      issuedAt: hlcFromMs(now),
      expiresAt: now + expiresS * 1000,
      target: resolved,
      action,
      params,
      comment: opts.comment ?? ''
    }
    const envelope: CommandEnvelope = signCommand(unsigned, key.privateKeyPem)
    // Subscribe before submitting so no result can slip past between the two.
    const results = new Map<string, CommandResultView>()
    let onResult: (() => void) | undefined
    if (waitS != null) {
      await client.subscribe((c: ReplicaChange) => {
        if (c.kind !== 'event' || c.event?.type !== 'command_result' || c.event.body.commandId !== envelope.id) return
        const node = nodes.find(n => n.id === c.origin)
        const view: CommandResultView = { commandId: envelope.id, node: c.origin, nodeName: node?.name ?? c.origin, status: c.event.body.status, at: c.receivedAt, ...(c.event.body.reason != null ? { reason: c.event.body.reason } : {}) }
        if (FINAL.has(view.status) || !results.has(c.origin)) results.set(c.origin, view)
        if (g.json) printJsonLine(view)
        else print(`${view.nodeName.padEnd(16)} ${view.status}${view.reason != null ? `: ${view.reason}` : ''}`)
        onResult?.()
      }, { skipKinds: PERIODIC_KINDS })
    }
    await client.call('submit', { command: envelope })
    if (waitS == null) {
      if (g.json) printJson({ id: envelope.id, action, target: resolved })
      else print(`submitted ${action} ${envelope.id}`)
      return
    }
    const expected = expectedResponders(action, resolved, nodes, await selfId(client))
    await new Promise<void>((resolve) => {
      const done = (): boolean => expected.every(id => FINAL.has(results.get(id)?.status ?? ''))
      const timer = setTimeout(resolve, waitS * 1000)
      onResult = () => { if (done()) { clearTimeout(timer); resolve() } }
      onResult()
    })
    const bad = expected.filter(id => results.get(id)?.status !== 'applied')
    if (bad.length > 0) {
      const names = bad.map(id => `${nodes.find(n => n.id === id)?.name ?? id}: ${results.get(id)?.status ?? 'timed out'}`)
      throw new ExitError(EXIT_FAILED, `${bad.length} of ${expected.length} target(s) did not apply: ${names.join('; ')}`)
    }
  })
}

async function selfId (client: ControlClient): Promise<string> {
  return (await client.call<{ nodeId: string }>('status')).nodeId
}

/** Who will answer: every targeted node for node-scoped actions, else the node we submitted to. */
function expectedResponders (action: Action, target: Target, nodes: NodeView[], self: string): string[] {
  const scoped = NODE_ACTIONS.has(action) || (target.kind !== 'all' && ['role_assign', 'role_unassign', 'tag_add', 'tag_remove', 'maintenance_schedule', 'code_sync'].includes(action))
  if (!scoped) return [self]
  return nodes.filter(n => matchesTarget(target, n)).map(n => n.id)
}
