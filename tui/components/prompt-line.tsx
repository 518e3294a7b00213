/**
 * The shared input line for `:` commands and `/` filters (k9s: one prompt, two modes), with
 * suggestions under it. While it is open the app routes every key to `promptKeyAction`, so list
 * keys do not fire.
 */
import { Box, Text, type Key } from 'ink'
import type { Suggestion } from '../commands/complete.js'
import type { PromptState } from '../state/ui-state.js'

export interface PromptLineProps {
  readonly prompt: PromptState
  /** Completions for command mode; empty for filters. */
  readonly suggestions: readonly Suggestion[]
}

/** What a key does to an open prompt; null: nothing. */
export type PromptKeyAction =
  | { kind: 'cancel' }
  | { kind: 'submit', text: string }
  | { kind: 'change', text: string }
  | { kind: 'choice', delta: number }

/**
 * The prompt's keys as a pure function of the prompt's current state. The app calls it from its
 * one input handler, with state that is current even between renders: keys sent in quick
 * succession (tmux, a fast typist) must each see what the one before did.
 */
export function promptKeyAction (prompt: PromptState, suggestions: readonly Suggestion[], input: string, key: Key): PromptKeyAction | null {
  if (key.escape) return { kind: 'cancel' }
  if (key.return) return { kind: 'submit', text: prompt.text }
  if (key.tab) {
    const s = suggestions[prompt.choice] ?? suggestions[0]
    return s != null ? { kind: 'change', text: s.line.endsWith(' ') ? s.line : s.line + ' ' } : null
  }
  if (key.upArrow) return { kind: 'choice', delta: -1 }
  if (key.downArrow) return { kind: 'choice', delta: 1 }
  if (key.backspace || key.delete) return { kind: 'change', text: prompt.text.slice(0, -1) }
  if (key.ctrl && input === 'u') return { kind: 'change', text: '' }
  if (key.ctrl || key.meta || input === '') return null
  // Typed fast, pasted, or sent by tmux, text and Enter can arrive as one chunk: the line ends
  // at the first newline and is submitted, as if Enter had been pressed on its own.
  const nl = input.search(/[\r\n]/)
  if (nl >= 0) return { kind: 'submit', text: prompt.text + input.slice(0, nl) }
  return { kind: 'change', text: prompt.text + input }
}

export function PromptLine ({ prompt, suggestions }: PromptLineProps): React.JSX.Element {
  const sigil = prompt.mode === 'command' ? ':' : '/'
  const chosen = suggestions[prompt.choice]
  return (
    <Box flexDirection='column' height={2}>
      <Text wrap='truncate'>
        <Text color='cyan' bold>{sigil}</Text>
        <Text>{prompt.text}</Text>
        <Text inverse> </Text>
        {chosen != null && <Text dimColor>   {chosen.hint}</Text>}
      </Text>
      {prompt.mode === 'command'
        ? (
          <Text wrap='truncate'>
            {suggestions.length === 0 && <Text dimColor>enter run · esc cancel</Text>}
            {suggestions.map((s, i) => (
              <Text key={s.line + String(i)} inverse={i === prompt.choice} color='cyan'>{` ${s.line.trim() === '' ? s.hint : s.line} `}</Text>
            ))}
            {suggestions.length > 0 && <Text dimColor> tab complete · ↑↓ choose</Text>}
          </Text>
          )
        : <Text dimColor wrap='truncate'>filter by name, state, role or tag · !word excludes · enter keep · esc clear</Text>}
    </Box>
  )
}
