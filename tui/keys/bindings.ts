/**
 * Every key of every view, as data (STYLE.md item 11). Keys users know from k9s: `:` views,
 * `/` filter, esc back, enter drill in, `?` help, shift-letter sort, space marks rows,
 * ctrl-d for the dangerous action, ctrl-c quit.
 */
import type { ViewName } from '../commands/specs.js'
import type { SortKey } from '../render/select.js'
import type { ListName } from '../state/ui-state.js'
import type { KeyBinding } from './binding.js'
import type { KeyContext } from './context.js'

export type Binding = KeyBinding<KeyContext>

export const GLOBAL_BINDINGS: readonly Binding[] = [
  { key: ':', description: 'command (:nodes :roles :code :events, actions)', visible: true, run: (c) => { c.openPrompt('') } },
  { key: '?', description: 'help: every key', visible: true, run: (c) => { c.dispatch({ type: 'help', open: !c.ui.help }) } },
  { key: 'esc', description: 'back / clear filter and marks', run: (c) => { c.dispatch({ type: 'back' }) } },
  { key: 'q', description: 'quit', visible: true, run: (c) => { c.quit() } },
  { key: 'ctrl+c', description: 'quit', run: (c) => { c.quit() } }
]

function listBindings (list: ListName): Binding[] {
  const move = (delta: number) => (c: KeyContext) => { c.dispatch({ type: 'move', list, delta, height: c.height }) }
  return [
    { key: 'j', also: ['down'], description: 'down', run: move(1) },
    { key: 'k', also: ['up'], description: 'up', run: move(-1) },
    { key: 'pgdn', also: ['ctrl+f'], description: 'page down', run: (c) => { move(Math.max(1, c.height))(c) } },
    { key: 'pgup', also: ['ctrl+b'], description: 'page up', run: (c) => { move(-Math.max(1, c.height))(c) } },
    { key: 'g', also: ['home'], description: 'top', run: (c) => { c.dispatch({ type: 'move', list, to: 'first', height: c.height }) } },
    { key: 'G', also: ['end'], description: 'bottom', run: (c) => { c.dispatch({ type: 'move', list, to: 'last', height: c.height }) } }
  ]
}

const filter = (view: 'fleet' | 'events' | 'roles'): Binding => ({
  key: '/',
  description: 'filter (name, state, role, tag; !word excludes)',
  visible: true,
  run: (c) => { c.dispatch({ type: 'prompt', mode: 'filter', text: c.ui.filters[view] }) }
})

const sort = (key: string, by: SortKey, label: string): Binding => ({
  key, description: `sort by ${label} (again: reverse)`, run: (c) => { c.dispatch({ type: 'sort', key: by }) }
})

/** Lifecycle actions on the selected or marked nodes; shared by Fleet and Node views. */
const NODE_ACTIONS: readonly Binding[] = [
  { key: 'a', description: 'admit', mutates: true, visible: true, run: (c) => { c.runLine('admit') } },
  { key: 'm', description: 'maintenance enter…', mutates: true, visible: true, run: (c) => { c.openPrompt('maintenance enter planned ') } },
  { key: 'x', description: 'maintenance exit', mutates: true, run: (c) => { c.runLine('maintenance exit') } },
  { key: 'r', description: 'role assign…', mutates: true, run: (c) => { c.openPrompt('role assign ') } },
  { key: 'ctrl+d', description: 'retire (asks y/N)', mutates: true, dangerous: true, visible: true, run: (c) => { c.runLine('retire') } }
]

export const FLEET_BINDINGS: readonly Binding[] = [
  {
    key: 'enter',
    description: 'open node',
    visible: true,
    run: (c) => { if (c.selected != null) c.dispatch({ type: 'open', view: 'node', nodeId: c.selected.id }) }
  },
  ...listBindings('fleet'),
  filter('fleet'),
  { key: 'space', description: 'mark (rows for one bulk command)', visible: true, run: (c) => { if (c.selected != null) c.dispatch({ type: 'mark', id: c.selected.id }) } },
  sort('N', 'name', 'name'),
  sort('S', 'state', 'state'),
  sort('L', 'liveness', 'liveness'),
  sort('R', 'roles', 'roles'),
  sort('C', 'cpu', 'cpu'),
  sort('M', 'mem', 'memory'),
  sort('D', 'disk', 'disk'),
  sort('H', 'heartbeat', 'heartbeat age'),
  ...NODE_ACTIONS
]

export const NODE_BINDINGS: readonly Binding[] = [
  { key: ']', also: ['pgdn', 'n'], description: 'older history page', visible: true, run: (c) => { c.dispatch({ type: 'history', delta: 1, pageSize: c.pageSize }) } },
  { key: '[', also: ['pgup', 'p'], description: 'newer history page', visible: true, run: (c) => { c.dispatch({ type: 'history', delta: -1, pageSize: c.pageSize }) } },
  ...NODE_ACTIONS
]

export const ROLES_BINDINGS: readonly Binding[] = [
  {
    key: 'enter',
    description: 'show the nodes with this role',
    visible: true,
    run: (c) => {
      if (c.role == null) return
      c.dispatch({ type: 'filter', view: 'fleet', text: c.role })
      c.dispatch({ type: 'open', view: 'fleet' })
    }
  },
  ...listBindings('roles'),
  filter('roles')
]

export const CODE_BINDINGS: readonly Binding[] = [
  ...listBindings('code'),
  {
    key: 's',
    description: 'code sync… (the commit under the cursor)',
    mutates: true,
    visible: true,
    run: (c) => { c.openPrompt(c.commit != null ? `code sync ${c.commit.role ?? 'ROLE'} ${c.commit.sha} ` : 'code sync ') }
  }
]

export const EVENTS_BINDINGS: readonly Binding[] = [
  ...listBindings('events'),
  filter('events')
]

const BY_VIEW: Record<ViewName, readonly Binding[]> = {
  fleet: FLEET_BINDINGS,
  node: NODE_BINDINGS,
  roles: ROLES_BINDINGS,
  code: CODE_BINDINGS,
  events: EVENTS_BINDINGS
}

/** The view's own keys first (so they win over globals), then the global ones. */
export function bindingsFor (view: ViewName): Binding[] {
  return [...BY_VIEW[view], ...GLOBAL_BINDINGS]
}
