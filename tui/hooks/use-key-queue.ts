/**
 * Runs the keys of a multi-key input chunk (see keys/chunk.ts) one per render, so each key sees
 * the state the previous one produced: `jj` then Enter opens the node two rows down, not the one
 * the cursor was on when the chunk arrived.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import { findBinding, type KeyBinding } from '../keys/binding.js'
import type { Chunk } from '../keys/chunk.js'
import type { KeyContext } from '../keys/context.js'
import type { UiAction } from '../state/reducer.js'

export interface KeyQueueInput {
  readonly bindings: readonly KeyBinding<KeyContext>[]
  readonly ctx: KeyContext
  /** A prompt or dialog is open: it owns the input, so queued keys are dropped. */
  readonly busy: boolean
  readonly filterView: 'fleet' | 'events' | 'roles'
  readonly runLine: (line: string) => void
  readonly dispatch: (a: UiAction) => void
}

export function useKeyQueue ({ bindings, ctx, busy, filterView, runLine, dispatch }: KeyQueueInput): (chunk: Chunk) => void {
  const pending = useRef<{ keys: string[], prompt: Chunk['prompt'] } | null>(null)
  const [turn, setTurn] = useState(0)

  useEffect(() => {
    const q = pending.current
    if (q == null) return
    if (busy) { pending.current = null; return }
    const key = q.keys.shift()
    if (key != null) {
      findBinding(bindings, key)?.run(ctx)
      setTurn((n) => n + 1)
      return
    }
    pending.current = null
    const p = q.prompt
    if (p == null) return
    if (p.mode === 'command') {
      if (p.submit) runLine(p.text)
      else dispatch({ type: 'prompt', mode: 'command', text: p.text })
      return
    }
    dispatch({ type: 'filter', view: filterView, text: p.text })
    if (!p.submit) dispatch({ type: 'prompt', mode: 'filter', text: p.text })
  })

  return useCallback((chunk: Chunk) => {
    pending.current = { keys: [...chunk.keys], prompt: chunk.prompt }
    setTurn((n) => n + 1)
  }, [])
}

export type { Chunk }
