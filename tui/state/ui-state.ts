/**
 * Everything the dashboard remembers about what the user is doing (not about the fleet):
 * the view stack, cursors, sort, filter, marks, prompt and dialogs. Changed only by `uiReducer`.
 */
import type { ViewName } from '../commands/specs.js'
import type { ActionPrompt } from '../commands/build.js'
import type { SortSpec } from '../render/select.js'

export type ListName = 'fleet' | 'roles' | 'code' | 'events' | 'node'

export interface ListState {
  readonly cursor: number
  readonly top: number
  readonly total: number
}

export interface PromptState {
  readonly mode: 'command' | 'filter'
  readonly text: string
  /** Index of the highlighted suggestion. */
  readonly choice: number
}

export interface PendingCommand {
  readonly parsed: ActionPrompt
  /** Node ids the command targets. */
  readonly nodes: readonly string[]
  readonly description: string
}

export interface Message {
  readonly text: string
  readonly colour?: string
  readonly at: number
}

export interface UiState {
  readonly stack: readonly ViewName[]
  /** The node the Node view shows. */
  readonly nodeId: string | null
  readonly lists: Readonly<Record<ListName, ListState>>
  readonly sort: SortSpec
  /** `/` filter per view that has one. */
  readonly filters: Readonly<Record<'fleet' | 'events' | 'roles', string>>
  /** Node ids marked with space for one bulk command. */
  readonly marks: ReadonlySet<string>
  readonly historyOffset: number
  readonly historyTotal: number
  readonly prompt: PromptState | null
  readonly confirm: PendingCommand | null
  readonly help: boolean
  readonly messages: readonly Message[]
}

const list: ListState = { cursor: 0, top: 0, total: 0 }

export function initialUiState (): UiState {
  return {
    stack: ['fleet'],
    nodeId: null,
    lists: { fleet: list, roles: list, code: list, events: list, node: list },
    sort: { key: 'name', desc: false },
    filters: { fleet: '', events: '', roles: '' },
    marks: new Set(),
    historyOffset: 0,
    historyTotal: 0,
    prompt: null,
    confirm: null,
    help: false,
    messages: []
  }
}

export function currentView (s: UiState): ViewName {
  return s.stack[s.stack.length - 1]
}

/** Keeps the cursor inside the window of `height` rows, moving the window as little as possible. */
export function windowTop (top: number, cursor: number, height: number, total: number): number {
  const h = Math.max(1, height)
  let t = Math.min(top, Math.max(0, total - h))
  if (cursor < t) t = cursor
  if (cursor >= t + h) t = cursor - h + 1
  return Math.max(0, t)
}
