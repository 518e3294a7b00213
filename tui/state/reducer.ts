/**
 * The single place UI state changes. Pure: key bindings dispatch these actions, tests drive it
 * directly. Sizes (list totals, page height) arrive with the actions that need them.
 */
import type { ViewName } from '../commands/specs.js'
import type { SortKey } from '../render/select.js'
import { windowTop, type ListName, type Message, type PendingCommand, type UiState } from './ui-state.js'

const MAX_MESSAGES = 50

export type UiAction =
  | { type: 'open'; view: ViewName; nodeId?: string }
  | { type: 'back' }
  | { type: 'move'; list: ListName; delta?: number; to?: 'first' | 'last'; height: number }
  | { type: 'total'; list: ListName; total: number }
  | { type: 'sort'; key: SortKey }
  | { type: 'filter'; view: 'fleet' | 'events' | 'roles'; text: string }
  | { type: 'mark'; id: string }
  | { type: 'clearMarks' }
  | { type: 'prompt'; mode: 'command' | 'filter'; text: string }
  | { type: 'promptText'; text: string; choice?: number }
  | { type: 'promptChoice'; delta: number; count: number }
  | { type: 'promptClose' }
  | { type: 'confirm'; pending: PendingCommand }
  | { type: 'confirmClose' }
  | { type: 'help'; open: boolean }
  | { type: 'message'; message: Omit<Message, 'at'>; at: number }
  | { type: 'history'; delta?: number; total?: number; pageSize: number }

export function uiReducer (s: UiState, a: UiAction): UiState {
  switch (a.type) {
    case 'open': {
      const top = s.stack[s.stack.length - 1]
      // `:nodes` from anywhere goes home rather than growing the stack forever.
      const stack = a.view === 'fleet' ? ['fleet' as const] : top === a.view ? s.stack : [...s.stack, a.view]
      const nodeChanged = a.view === 'node' && a.nodeId !== s.nodeId
      return {
        ...s,
        stack,
        nodeId: a.view === 'node' ? (a.nodeId ?? s.nodeId) : s.nodeId,
        historyOffset: nodeChanged ? 0 : s.historyOffset,
        help: false
      }
    }
    case 'back':
      if (s.help) return { ...s, help: false }
      if (s.stack.length > 1) return { ...s, stack: s.stack.slice(0, -1) }
      // Esc at home clears the filter, then the marks (k9s: esc resets the current view).
      if (s.filters.fleet !== '') return { ...s, filters: { ...s.filters, fleet: '' } }
      if (s.marks.size > 0) return { ...s, marks: new Set() }
      return s
    case 'move': {
      const l = s.lists[a.list]
      const last = Math.max(0, l.total - 1)
      const cursor = a.to === 'first' ? 0 : a.to === 'last' ? last : Math.min(last, Math.max(0, l.cursor + (a.delta ?? 0)))
      const top = windowTop(l.top, cursor, a.height, l.total)
      if (cursor === l.cursor && top === l.top) return s
      return { ...s, lists: { ...s.lists, [a.list]: { ...l, cursor, top } } }
    }
    case 'total': {
      const l = s.lists[a.list]
      if (l.total === a.total) return s
      // The Events list sticks to the newest line while the cursor sits on the last one.
      const follow = a.list === 'events' && l.cursor >= l.total - 1
      const cursor = follow ? Math.max(0, a.total - 1) : Math.min(l.cursor, Math.max(0, a.total - 1))
      return { ...s, lists: { ...s.lists, [a.list]: { ...l, total: a.total, cursor } } }
    }
    case 'sort': {
      // Same key again flips the direction (k9s shift-letter sort).
      const desc = s.sort.key === a.key ? !s.sort.desc : false
      return { ...s, sort: { key: a.key, desc } }
    }
    case 'filter': {
      const list = a.view
      return {
        ...s,
        filters: { ...s.filters, [a.view]: a.text },
        lists: { ...s.lists, [list]: { ...s.lists[list], cursor: 0, top: 0 } }
      }
    }
    case 'mark': {
      const marks = new Set(s.marks)
      if (marks.has(a.id)) marks.delete(a.id)
      else marks.add(a.id)
      return { ...s, marks }
    }
    case 'clearMarks':
      return s.marks.size === 0 ? s : { ...s, marks: new Set() }
    case 'prompt':
      return { ...s, prompt: { mode: a.mode, text: a.text, choice: 0 }, help: false }
    case 'promptText':
      return s.prompt == null ? s : { ...s, prompt: { ...s.prompt, text: a.text, choice: a.choice ?? 0 } }
    case 'promptChoice': {
      if (s.prompt == null || a.count === 0) return s
      const choice = (s.prompt.choice + a.delta + a.count) % a.count
      return { ...s, prompt: { ...s.prompt, choice } }
    }
    case 'promptClose':
      return { ...s, prompt: null }
    case 'confirm':
      return { ...s, confirm: a.pending, prompt: null }
    case 'confirmClose':
      return { ...s, confirm: null }
    case 'help':
      return { ...s, help: a.open }
    case 'message':
      return { ...s, messages: [...s.messages, { ...a.message, at: a.at }].slice(-MAX_MESSAGES) }
    case 'history': {
      const total = a.total ?? s.historyTotal
      // Until the first page tells us the total, paging is not clamped; the next total clamps it.
      const lastPage = total > 0 ? Math.floor((total - 1) / a.pageSize) * a.pageSize : Number.MAX_SAFE_INTEGER
      const offset = Math.min(lastPage, Math.max(0, s.historyOffset + (a.delta ?? 0) * a.pageSize))
      if (offset === s.historyOffset && total === s.historyTotal) return s
      return { ...s, historyOffset: offset, historyTotal: total }
    }
  }
}
