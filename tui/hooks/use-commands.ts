/**
 * Runs `:` lines: view switches, help, quit, and fleet actions. Actions are aimed at the marked
 * rows (or the selected one), confirmed y/N when destructive, signed, validated against the
 * protocol schema before they leave, and submitted; their results are summarised as they arrive.
 */
import { useCallback, useState } from 'react'
import { validateCommand } from '../../protocol/schema.js'
import type { NodeView } from '../../protocol/control.js'
import { buildCommand, describeCommand, type ActionPrompt, type CommandSigner } from '../commands/build.js'
import { parsePrompt } from '../commands/parse.js'
import type { SubmittedCommand } from '../render/results.js'
import type { UiAction } from '../state/reducer.js'
import type { PendingCommand } from '../state/ui-state.js'
import type { FleetSource } from '../source.js'

export interface CommandsInput {
  readonly source: FleetSource | null
  readonly signer: CommandSigner | undefined
  readonly dispatch: (a: UiAction) => void
  /** Node ids an action would target right now: the marked rows, else the selected one. */
  readonly targets: readonly NodeView[]
  readonly quit: () => void
}

export interface Commands {
  readonly runLine: (line: string) => void
  readonly confirm: (pending: PendingCommand) => void
  readonly submitted: SubmittedCommand | null
}

export function useCommands ({ source, signer, dispatch, targets, quit }: CommandsInput): Commands {
  const [submitted, setSubmitted] = useState<SubmittedCommand | null>(null)

  const say = useCallback((text: string, colour?: string) => {
    dispatch({ type: 'message', message: { text, colour }, at: Date.now() })
  }, [dispatch])

  const send = useCallback((pending: PendingCommand) => {
    if (signer == null) { say('read-only: start the TUI with an operator key (--key) to send commands', 'red'); return }
    if (source == null) { say('not connected: the command was not sent', 'red'); return }
    let command
    try {
      command = buildCommand(pending.parsed, pending.nodes, signer, Date.now())
      validateCommand(command)
    } catch (err: any) {
      say(`not sent: ${String(err?.message ?? err)}`, 'red')
      return
    }
    const expected = command.target.kind === 'nodes' ? command.target.nodes.length : null
    setSubmitted({ id: command.id, action: command.action, expected, at: Date.now() })
    dispatch({ type: 'clearMarks' })
    source.call<{ id: string }>('submit', { command }).catch((err: any) => {
      say(`${command.action} failed to submit: ${String(err?.message ?? err)}`, 'red')
    })
  }, [signer, source, dispatch, say])

  const runLine = useCallback((line: string) => {
    const parsed = parsePrompt(line)
    switch (parsed.kind) {
      case 'empty': return
      case 'quit': quit(); return
      case 'help': dispatch({ type: 'help', open: true }); return
      case 'view': dispatch({ type: 'open', view: parsed.view }); return
      case 'error': say(parsed.message, 'red'); return
      case 'action': break
    }
    if (signer == null) { say(`read-only: :${line.trim()} needs an operator key (--key)`, 'red'); return }
    const action = parsed as ActionPrompt
    const nodes = action.spec.target === 'nodes' ? targets : []
    if (action.spec.target === 'nodes' && nodes.length === 0) {
      say(`:${action.spec.words.join(' ')} needs a node: select a row or mark rows with space`, 'red')
      return
    }
    const pending: PendingCommand = {
      parsed: action,
      nodes: nodes.map((n) => n.id),
      description: describeCommand(action, nodes.map((n) => n.name))
    }
    if (action.dangerous) dispatch({ type: 'confirm', pending })
    else send(pending)
  }, [signer, targets, dispatch, say, send, quit])

  const confirm = useCallback((pending: PendingCommand) => {
    dispatch({ type: 'confirmClose' })
    send(pending)
  }, [dispatch, send])

  return { runLine, confirm, submitted }
}
