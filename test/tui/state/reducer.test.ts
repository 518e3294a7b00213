import { describe, expect, it } from 'vitest'
import { parsePrompt } from '../../../tui/commands/parse.js'
import type { ActionPrompt } from '../../../tui/commands/build.js'
import { uiReducer, type UiAction } from '../../../tui/state/reducer.js'
import { currentView, initialUiState, windowTop, type UiState } from '../../../tui/state/ui-state.js'

const run = (...actions: UiAction[]): UiState => actions.reduce(uiReducer, initialUiState())

describe('uiReducer', () => {
  it('opens views on a stack and esc goes back', () => {
    let s = run({ type: 'open', view: 'node', nodeId: 'a' })
    expect(currentView(s)).toBe('node')
    expect(s.nodeId).toBe('a')
    s = uiReducer(s, { type: 'back' })
    expect(currentView(s)).toBe('fleet')
  })

  it(':nodes from deep in the stack goes home instead of growing it', () => {
    const s = run({ type: 'open', view: 'roles' }, { type: 'open', view: 'code' }, { type: 'open', view: 'fleet' })
    expect(s.stack).toEqual(['fleet'])
  })

  it('esc at home clears the filter, then the marks', () => {
    let s = run({ type: 'filter', view: 'fleet', text: 'web' }, { type: 'mark', id: 'a' })
    s = uiReducer(s, { type: 'back' })
    expect(s.filters.fleet).toBe('')
    expect(s.marks.size).toBe(1)
    s = uiReducer(s, { type: 'back' })
    expect(s.marks.size).toBe(0)
  })

  it('moves the cursor within the list and scrolls the window with it', () => {
    let s = run({ type: 'total', list: 'fleet', total: 100 })
    s = uiReducer(s, { type: 'move', list: 'fleet', delta: 25, height: 10 })
    expect(s.lists.fleet).toMatchObject({ cursor: 25, top: 16 })
    s = uiReducer(s, { type: 'move', list: 'fleet', to: 'last', height: 10 })
    expect(s.lists.fleet).toMatchObject({ cursor: 99, top: 90 })
    s = uiReducer(s, { type: 'move', list: 'fleet', delta: 1000, height: 10 })
    expect(s.lists.fleet.cursor).toBe(99)
    s = uiReducer(s, { type: 'move', list: 'fleet', to: 'first', height: 10 })
    expect(s.lists.fleet).toMatchObject({ cursor: 0, top: 0 })
  })

  it('clamps the cursor when the list shrinks', () => {
    const s = run({ type: 'total', list: 'fleet', total: 50 }, { type: 'move', list: 'fleet', to: 'last', height: 10 }, { type: 'total', list: 'fleet', total: 5 })
    expect(s.lists.fleet.cursor).toBe(4)
  })

  it('keeps the Events list following the newest line', () => {
    let s = run({ type: 'total', list: 'events', total: 3 }, { type: 'move', list: 'events', to: 'last', height: 10 })
    s = uiReducer(s, { type: 'total', list: 'events', total: 7 })
    expect(s.lists.events.cursor).toBe(6)
    s = uiReducer(s, { type: 'move', list: 'events', delta: -2, height: 10 })
    s = uiReducer(s, { type: 'total', list: 'events', total: 9 })
    expect(s.lists.events.cursor).toBe(4)
  })

  it('sorts by a key and flips the direction on the same key again', () => {
    let s = run({ type: 'sort', key: 'cpu' })
    expect(s.sort).toEqual({ key: 'cpu', desc: false })
    s = uiReducer(s, { type: 'sort', key: 'cpu' })
    expect(s.sort).toEqual({ key: 'cpu', desc: true })
    s = uiReducer(s, { type: 'sort', key: 'name' })
    expect(s.sort).toEqual({ key: 'name', desc: false })
  })

  it('toggles marks', () => {
    const s = run({ type: 'mark', id: 'a' }, { type: 'mark', id: 'b' }, { type: 'mark', id: 'a' })
    expect([...s.marks]).toEqual(['b'])
  })

  it('pages history within its total', () => {
    let s = run({ type: 'history', total: 23, pageSize: 10 })
    s = uiReducer(s, { type: 'history', delta: 1, pageSize: 10 })
    expect(s.historyOffset).toBe(10)
    s = uiReducer(s, { type: 'history', delta: 5, pageSize: 10 })
    expect(s.historyOffset).toBe(20)
    s = uiReducer(s, { type: 'history', delta: -9, pageSize: 10 })
    expect(s.historyOffset).toBe(0)
  })

  it('resets history paging when another node is opened', () => {
    let s = run({ type: 'open', view: 'node', nodeId: 'a' }, { type: 'history', total: 30, pageSize: 10 }, { type: 'history', delta: 1, pageSize: 10 })
    s = uiReducer(uiReducer(s, { type: 'back' }), { type: 'open', view: 'node', nodeId: 'b' })
    expect(s.historyOffset).toBe(0)
  })

  it('cycles prompt suggestions and closes the prompt when a confirmation opens', () => {
    let s = run({ type: 'prompt', mode: 'command', text: '' }, { type: 'promptChoice', delta: -1, count: 3 })
    expect(s.prompt?.choice).toBe(2)
    const parsed = parsePrompt('retire') as ActionPrompt
    s = uiReducer(s, { type: 'confirm', pending: { parsed, nodes: ['a'], description: 'retire on a' } })
    expect(s.prompt).toBeNull()
    expect(s.confirm?.description).toBe('retire on a')
  })

  it('keeps a bounded list of messages', () => {
    let s = initialUiState()
    for (let i = 0; i < 80; i++) s = uiReducer(s, { type: 'message', message: { text: `m${i}` }, at: i })
    expect(s.messages).toHaveLength(50)
    expect(s.messages.at(-1)?.text).toBe('m79')
  })
})

describe('windowTop', () => {
  it.each([
    [0, 0, 10, 100, 0],
    [0, 15, 10, 100, 6],
    [20, 15, 10, 100, 15],
    [95, 99, 10, 100, 90],
    [50, 3, 10, 5, 0]
  ])('top %s cursor %s height %s total %s -> %s', (top, cursor, height, total, expected) => {
    expect(windowTop(top, cursor, height, total)).toBe(expected)
  })
})
