/**
 * The dashboard: header, the current view, a message line and the hint bar / prompt. Holds the
 * connection, the fleet store and the UI reducer, and routes keys to the bindings of the view on
 * top of the stack. Everything shown is derived from those three.
 */
import { Box, useApp, useInput } from 'ink'
import { useCallback, useMemo, useReducer, useRef } from 'react'
import { completePrompt } from './commands/complete.js'
import type { CommandSigner } from './commands/build.js'
import { Banner } from './components/banner.js'
import { ConfirmBar, confirmKeyIsYes } from './components/confirm-bar.js'
import { Header } from './components/header.js'
import { HelpScreen } from './components/help-screen.js'
import { HintBar } from './components/hint-bar.js'
import { MessageLine } from './components/message-line.js'
import { PromptLine, promptKeyAction } from './components/prompt-line.js'
import { useCode } from './hooks/use-code.js'
import { useCommands } from './hooks/use-commands.js'
import { useConnection, type ConnectionOptions } from './hooks/use-connection.js'
import { useFleet } from './hooks/use-fleet.js'
import { useKeyQueue } from './hooks/use-key-queue.js'
import { useNow } from './hooks/use-now.js'
import { useTerminalSize, type TerminalSize } from './hooks/use-terminal-size.js'
import { useViewModel } from './hooks/use-view-model.js'
import { findBinding, keyName, usableBindings } from './keys/binding.js'
import { bindingsFor } from './keys/bindings.js'
import { splitChunk } from './keys/chunk.js'
import type { KeyContext } from './keys/context.js'
import { summariseResults } from './render/results.js'
import type { FleetStoreInit } from './state/fleet-store.js'
import { uiReducer, type UiAction } from './state/reducer.js'
import { currentView, initialUiState } from './state/ui-state.js'
import type { ConnectFleet } from './source.js'
import { ViewBody } from './views/view-body.js'
import { historyPageSize } from './views/node-view.js'

export interface AppProps {
  /** Opens a connection to a daemon; called again with backoff after a disconnect. */
  readonly connect: ConnectFleet
  /** Signs commands with the operator key (`createSigner(pem)`); without one the TUI is read-only. */
  readonly signer?: CommandSigner
  /** Pins the terminal size (tests, bench); otherwise follows stdout and its resize events. */
  readonly size?: Partial<TerminalSize>
  /** Called when the user quits, after Ink's `exit()`. */
  readonly onExit?: () => void
  readonly store?: FleetStoreInit
  readonly reconnect?: ConnectionOptions
  /** Age clock period; 0 disables it (bench). @default CLOCK_TICK_MS */
  readonly tickMs?: number
}

const VIEW_TITLES = { fleet: 'fleet', node: 'node', roles: 'roles', code: 'code', events: 'events' } as const

export function App (props: AppProps): React.JSX.Element {
  const { exit } = useApp()
  const signer = props.signer
  const readOnly = signer == null
  const connection = useConnection(props.connect, props.reconnect)
  const data = useFleet(connection.source, props.store)
  const now = useNow(props.tickMs)
  const { columns, rows } = useTerminalSize(props.size)
  const [ui, dispatchUi] = useReducer(uiReducer, undefined, initialUiState)
  // The UI state as of the last action, ahead of the render that will show it: keys that arrive
  // before that render (tmux send-keys, a fast typist) are routed by it, not by a stale closure.
  const live = useRef(ui)
  live.current = ui
  const dispatch = useCallback((a: UiAction) => {
    live.current = uiReducer(live.current, a)
    dispatchUi(a)
  }, [])
  const vm = useViewModel(data, ui, dispatch)
  const view = currentView(ui)
  // Fetched only while the Code view is open; refetched on code-related live changes.
  const code = useCode(view === 'code' ? connection.source : null, data.codeVersion)
  const commit = code.commits[Math.min(ui.lists.code.cursor, Math.max(0, code.commits.length - 1))]

  const quit = useCallback(() => { exit(); props.onExit?.() }, [exit, props.onExit])
  const commands = useCommands({ source: connection.source, signer, dispatch, targets: vm.targets, quit })

  // Rows: header 2, banner 0/1, view, message 1, hint bar or prompt 2; one spare so the terminal never scrolls.
  const banner = connection.phase === 'connected' ? 0 : 1
  const bodyHeight = Math.max(3, rows - 1 - 2 - banner - 1 - 2)
  const allBindings = useMemo(() => bindingsFor(view), [view])
  const bindings = useMemo(() => usableBindings(allBindings, readOnly), [allBindings, readOnly])

  const ctx: KeyContext = {
    ui,
    dispatch,
    height: Math.max(1, bodyHeight - 2),
    selected: vm.selected,
    role: vm.roleAtCursor,
    commit: commit != null ? { sha: commit.sha, role: commit.affectedRoles[0] } : undefined,
    pageSize: historyPageSize(bodyHeight),
    runLine: commands.runLine,
    openPrompt: (text) => { dispatch({ type: 'prompt', mode: 'command', text }) },
    quit
  }
  const filterView = view === 'events' ? 'events' : view === 'roles' ? 'roles' : 'fleet'
  const enqueue = useKeyQueue({ bindings, ctx, busy: ui.prompt != null || ui.confirm != null, filterView, runLine: commands.runLine, dispatch })
  const suggestions = useMemo(() => ui.prompt?.mode === 'command'
    ? completePrompt(ui.prompt.text, { roles: vm.roleNames, tags: vm.tags })
    : [], [ui.prompt, vm.roleNames, vm.tags])

  const confirmAnswer = (yes: boolean): void => {
    const pending = live.current.confirm
    if (pending == null) return
    if (yes) { commands.confirm(pending); return }
    dispatch({ type: 'confirmClose' })
    dispatch({ type: 'message', message: { text: 'cancelled', colour: 'yellow' }, at: Date.now() })
  }

  // One input handler for everything, always active: handing the keys between components with
  // `isActive` drops keys that arrive while the hand-over renders.
  useInput((input, key) => {
    const cur = live.current
    if (cur.confirm != null) { confirmAnswer(confirmKeyIsYes(input)); return }
    if (cur.prompt != null) {
      const mode = cur.prompt.mode
      const options = mode === 'command' ? completePrompt(cur.prompt.text, { roles: vm.roleNames, tags: vm.tags }) : []
      const action = promptKeyAction(cur.prompt, options, input, key)
      if (action?.kind === 'cancel') {
        if (mode === 'filter') dispatch({ type: 'filter', view: filterView, text: '' })
        dispatch({ type: 'promptClose' })
      } else if (action?.kind === 'submit') {
        // The submitted text may hold more than the last change (text and Enter in one read).
        if (mode === 'filter') dispatch({ type: 'filter', view: filterView, text: action.text })
        dispatch({ type: 'promptClose' })
        if (mode === 'command') commands.runLine(action.text)
      } else if (action?.kind === 'change') {
        dispatch({ type: 'promptText', text: action.text })
        if (mode === 'filter') dispatch({ type: 'filter', view: filterView, text: action.text })
      } else if (action?.kind === 'choice') {
        dispatch({ type: 'promptChoice', delta: action.delta, count: options.length })
      }
      return
    }
    const name = keyName(input, key)
    const binding = findBinding(bindings, name)
    if (binding != null || name.length <= 1 || key.ctrl || key.meta) { binding?.run(ctx); return }
    // Several keys in one read (see keys/chunk.ts), run one per render.
    enqueue(splitChunk(input))
  })

  const last = ui.messages.at(-1)
  const message = commands.submitted != null && (last == null || last.at < commands.submitted.at)
    ? summariseResults(commands.submitted, data.results)
    : last != null
      ? { text: last.text, colour: last.colour }
      : data.error != null ? { text: `refresh failed: ${data.error}`, colour: 'red' } : { text: '', colour: undefined }

  return (
    <Box flexDirection='column' width={columns}>
      <Header data={data} readOnly={readOnly} view={VIEW_TITLES[view]} />
      <Banner connection={connection} now={now} />
      {ui.help
        ? <HelpScreen bindings={allBindings} readOnly={readOnly} width={columns} height={bodyHeight} />
        : <ViewBody view={view} ui={ui} vm={vm} data={data} source={connection.source} code={code} now={now} width={columns} height={bodyHeight} dispatch={dispatch} />}
      <MessageLine text={message.text} colour={message.colour} />
      {ui.confirm != null
        ? <ConfirmBar description={ui.confirm.description} />
        : ui.prompt != null
          ? <PromptLine prompt={ui.prompt} suggestions={suggestions} />
          : <HintBar bindings={bindings} />}
    </Box>
  )
}
