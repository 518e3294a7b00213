/**
 * Applies a node-scoped command to this node: walks the path the action asks for, each step
 * checked by the state machine and recorded with the operator, comment and command id.
 */
import type { CommandEnvelope, NodeState, TrustEntry } from '../../protocol/types.js'
import { pathFor, type NodeActionOutcome } from '../commands/index.js'
import { canResetInstall } from '../lifecycle/index.js'
import type { Daemon } from './daemon.js'
import type { Outbox } from './outbox.js'
import { LEFT_AT_ONCE } from './reconcile.js'

export async function applyNodeAction (d: Daemon, cmd: CommandEnvelope, issuer: TrustEntry): Promise<NodeActionOutcome> {
  return await d.self.exclusive(async () => {
    const self = d.store.getNode(d.id)
    const state = self?.state ?? 'discovered'
    const params = cmd.params as Record<string, unknown>
    const ctx = {
      trigger: 'operator' as const,
      operator: { name: issuer.name, key: issuer.key },
      comment: cmd.comment,
      commandId: cmd.id,
      installAttempts: self?.installAttempts ?? 0,
      force: params.force === true,
      metadata: cmd.action === 'maintenance_enter' ? { reason: params.reason } : undefined
    }
    if (cmd.action === 'reset_install') {
      const decision = canResetInstall(state, self?.installAttempts ?? 0, params.force === true)
      if (!decision.allowed) return { status: 'rejected', reason: decision.reason ?? 'reset refused' }
    }
    let path
    try {
      path = pathFor(cmd.action, state, params)
    } catch (err: any) {
      return { status: 'rejected', reason: String(err?.message ?? err) }
    }
    try {
      for (const to of path) await d.self.moveTo(to, ctx)
    } catch (err: any) {
      return { status: err?.code === 'ERR_INVALID_TRANSITION' || err?.code === 'ERR_INSTALL_RESET_NEEDS_FORCE' ? 'rejected' : 'failed', reason: String(err?.message ?? err) }
    }
    d.reconciler.poke()
    return { status: 'applied' }
  })
}

/**
 * Runs a node action's steps (accepted, its transitions, the result) in one outbox batch. When
 * they leave this node in a state the reconciler leaves at once if all is well (recovering ->
 * online once checks pass, immediate -> offline), its tick runs in a batch opened before this one
 * closes: the fleet gets the action and that next step in one message and one store commit each,
 * not two back to back (the outbox's hold still caps how long the first steps wait). The caller
 * (an operator's command) is answered when the steps are done, not the tick.
 */
export async function actionBatch<T> (outbox: Pick<Outbox, 'batch'>, steps: () => Promise<T>, next: { state: () => NodeState, tick: () => Promise<void> }): Promise<T> {
  return await outbox.batch(async () => {
    const out = await steps()
    // The tick reports its own failures (the reconciler logs them); the batch still ends.
    if (LEFT_AT_ONCE.has(next.state())) outbox.batch(next.tick).catch(() => {})
    return out
  })
}
