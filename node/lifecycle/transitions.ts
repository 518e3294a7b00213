/**
 * The one lifecycle state machine of DESIGN.md ("Lifecycle state machine"), merging the
 * predecessor's planned maintenance states (seed 000) with its install flow (seed 003).
 *
 * The predecessor implemented a `VALID_TRANSITIONS` guard, then deleted it, and shipped with no
 * guard at all (PREDECESSOR.md 1.1). Every state change in slm goes through `transition()`.
 */
import { NODE_STATES } from '../../protocol/types.js'
import { InvalidTransitionError, InstallResetRefusedError } from './errors.js'
import { canResetInstall } from './install.js'
import type { NodeState, Trigger, TransitionBody } from '../../protocol/types.js'

/**
 * Copied from DESIGN.md's table. Self-transitions are not listed: an install retry stays in
 * `installing` and is recorded as an install event, not as a transition.
 */
export const TRANSITIONS: Readonly<Record<NodeState, readonly NodeState[]>> = Object.freeze({
  discovered: ['pending', 'retired'],
  pending: ['installing'],
  installing: ['online', 'install_failed'],
  install_failed: ['pending'],
  online: [
    'degraded',
    'maintenance_draining',
    'maintenance_planned',
    'maintenance_immediate',
    'pending',
    'deprovisioning'
  ],
  degraded: ['online', 'error', 'maintenance_draining', 'maintenance_immediate'],
  error: ['pending', 'online', 'deprovisioning'],
  maintenance_draining: ['maintenance_offline'],
  maintenance_planned: ['maintenance_offline'],
  maintenance_immediate: ['maintenance_offline'],
  maintenance_offline: ['maintenance_recovering'],
  maintenance_recovering: ['online', 'error'],
  deprovisioning: ['retired'],
  retired: []
})

const STATE_SET: ReadonlySet<string> = new Set(NODE_STATES)

/** Narrows an untrusted string (CLI argument, decoded message) to a NodeState. */
export function isNodeState (s: unknown): s is NodeState {
  return typeof s === 'string' && STATE_SET.has(s)
}

export function validNext (from: NodeState): NodeState[] {
  return [...(TRANSITIONS[from] ?? [])]
}

export function canTransition (from: NodeState, to: NodeState): boolean {
  return (TRANSITIONS[from] ?? []).includes(to)
}

export interface TransitionContext {
  trigger: Trigger
  /** ms since epoch; passed in so the module stays pure. */
  now?: number
  operator?: { name: string, key: string }
  comment?: string
  commandId?: string
  metadata?: Record<string, unknown>
  /** Failed install attempts so far; checked on install_failed -> pending. */
  installAttempts?: number
  /** Operator's `reset-install --force`. */
  force?: boolean
}

/**
 * Returns `to` when the move is allowed, otherwise throws InvalidTransitionError listing the valid
 * next states, or InstallResetRefusedError when install_failed -> pending lacks `force`.
 */
export function transition (from: NodeState, to: NodeState, ctx: TransitionContext): NodeState {
  if (!canTransition(from, to)) {
    throw new InvalidTransitionError(from, to, validNext(from))
  }
  if (from === 'install_failed' && to === 'pending') {
    const reset = canResetInstall(from, ctx.installAttempts ?? 0, ctx.force === true)
    if (!reset.allowed) throw new InstallResetRefusedError(ctx.installAttempts ?? 0)
  }
  return to
}

/** Validates like `transition()` and builds the body of the `transition` event to record. */
export function transitionBody (from: NodeState, to: NodeState, ctx: TransitionContext): TransitionBody {
  transition(from, to, ctx)
  const body: TransitionBody = { from, to, trigger: ctx.trigger }
  if (ctx.operator != null) body.operator = { name: ctx.operator.name, key: ctx.operator.key }
  if (ctx.comment != null && ctx.comment !== '') body.comment = ctx.comment
  if (ctx.commandId != null) body.commandId = ctx.commandId
  const metadata: Record<string, unknown> = { ...(ctx.metadata ?? {}) }
  if (ctx.force === true) metadata.force = true
  if (Object.keys(metadata).length > 0) body.metadata = metadata
  return body
}
