/**
 * The `:` prompt's vocabulary as data: view switches and fleet actions. Parsing, completion and
 * the help screen all read this one table, so a new action is one row here. Action names and
 * params follow protocol/types.ts `ACTIONS` and the CLI contract in DESIGN.md.
 */
import type { Action } from '../../protocol/types.js'

export type ViewName = 'fleet' | 'node' | 'roles' | 'code' | 'events'

export interface ViewSpec {
  readonly words: readonly string[]
  readonly view: ViewName
  readonly description: string
}

export const VIEW_SPECS: readonly ViewSpec[] = [
  { words: ['nodes', 'fleet', 'no'], view: 'fleet', description: 'fleet: one row a node' },
  { words: ['roles', 'ro'], view: 'roles', description: 'role definitions and where they run' },
  { words: ['code', 'co'], view: 'code', description: 'announced commits and rollouts' },
  { words: ['events', 'ev'], view: 'events', description: 'live stream of replica changes' }
]

/** A positional argument: a fixed choice, a name from the fleet, or free text (rest of line). */
export type ArgSpec =
  | { readonly name: string; readonly kind: 'choice'; readonly choices: readonly string[]; readonly optional?: boolean }
  | { readonly name: string; readonly kind: 'role' | 'tag' | 'word'; readonly optional?: boolean }
  | { readonly name: string; readonly kind: 'rest'; readonly optional?: boolean }

export interface ActionSpec {
  /** The words typed before the arguments, e.g. ['maintenance', 'enter']. */
  readonly words: readonly string[]
  readonly action: Action
  readonly args: readonly ArgSpec[]
  /** Who it is aimed at: the selected/marked nodes, or the role named by the `role` argument. */
  readonly target: 'nodes' | 'role'
  readonly description: string
  /** Destructive: asks y/N first. A function when only some argument values are destructive. */
  readonly dangerous?: boolean | ((params: Record<string, unknown>) => boolean)
  /** Turns the parsed arguments into the command's params. */
  readonly params: (args: Record<string, string | undefined>) => Record<string, unknown>
}

const none = (): Record<string, unknown> => ({})
const STRATEGIES = ['all-at-once', 'rolling', 'maintenance-window'] as const

export const ACTION_SPECS: readonly ActionSpec[] = [
  { words: ['admit'], action: 'admit', args: [], target: 'nodes', description: 'admit discovered nodes', params: none },
  { words: ['reject'], action: 'reject', args: [], target: 'nodes', dangerous: true, description: 'reject discovered nodes (retires them)', params: none },
  {
    words: ['maintenance', 'enter'],
    action: 'maintenance_enter',
    args: [{ name: 'type', kind: 'choice', choices: ['draining', 'planned', 'immediate'] }, { name: 'reason', kind: 'rest', optional: true }],
    target: 'nodes',
    dangerous: (p) => p.type === 'immediate',
    description: 'enter maintenance (immediate stops services now)',
    params: (a) => ({ type: a.type, reason: a.reason ?? '' })
  },
  { words: ['maintenance', 'exit'], action: 'maintenance_exit', args: [], target: 'nodes', description: 'leave maintenance', params: none },
  { words: ['reprovision'], action: 'reprovision', args: [], target: 'nodes', dangerous: true, description: 'back to pending and reinstall', params: none },
  { words: ['recover'], action: 'recover', args: [], target: 'nodes', description: 'manual recovery from error', params: none },
  {
    words: ['reset-install'],
    action: 'reset_install',
    args: [{ name: 'force', kind: 'choice', choices: ['force'], optional: true }],
    target: 'nodes',
    description: 'install_failed -> pending (force resets counters)',
    params: (a) => ({ force: a.force === 'force' })
  },
  { words: ['retire'], action: 'retire', args: [], target: 'nodes', dangerous: true, description: 'deprovision and retire', params: none },
  { words: ['role', 'assign'], action: 'role_assign', args: [{ name: 'role', kind: 'role' }], target: 'nodes', description: 'assign a role', params: (a) => ({ role: a.role }) },
  { words: ['role', 'unassign'], action: 'role_unassign', args: [{ name: 'role', kind: 'role' }], target: 'nodes', description: 'unassign a role', params: (a) => ({ role: a.role }) },
  { words: ['tag', 'add'], action: 'tag_add', args: [{ name: 'tag', kind: 'tag' }], target: 'nodes', description: 'add a tag', params: (a) => ({ tag: a.tag }) },
  { words: ['tag', 'remove'], action: 'tag_remove', args: [{ name: 'tag', kind: 'tag' }], target: 'nodes', description: 'remove a tag', params: (a) => ({ tag: a.tag }) },
  {
    words: ['code', 'sync'],
    action: 'code_sync',
    args: [{ name: 'role', kind: 'role' }, { name: 'sha', kind: 'word' }, { name: 'strategy', kind: 'choice', choices: STRATEGIES, optional: true }],
    target: 'role',
    description: 'deploy a commit to a role',
    params: (a) => ({ role: a.role, commit: a.sha, strategy: a.strategy ?? 'rolling' })
  },
  { words: ['code', 'pause'], action: 'code_pause', args: [{ name: 'role', kind: 'role' }], target: 'role', description: 'pause a rollout', params: (a) => ({ role: a.role }) },
  { words: ['code', 'resume'], action: 'code_resume', args: [{ name: 'role', kind: 'role' }], target: 'role', description: 'resume a rollout', params: (a) => ({ role: a.role }) },
  { words: ['code', 'rollback'], action: 'code_rollback', args: [{ name: 'role', kind: 'role' }], target: 'role', dangerous: true, description: 'roll a role back to its previous commit', params: (a) => ({ role: a.role }) },
  { words: ['code-source', 'pin'], action: 'code_source_pin', args: [], target: 'nodes', description: 'pin the code-source role to the selected node', params: none },
  { words: ['code-source', 'unpin'], action: 'code_source_unpin', args: [], target: 'nodes', description: 'let the fleet elect the code source', params: none }
]

export function isDangerous (spec: ActionSpec, params: Record<string, unknown>): boolean {
  return typeof spec.dangerous === 'function' ? spec.dangerous(params) : spec.dangerous === true
}
