/**
 * The shared input line for `:` commands and `/` filters (k9s: one prompt, two modes), with
 * suggestions under it. Owns its keys while open (`isActive`), so list keys do not fire.
 */
import { Box, Text, useInput } from 'ink'
import type { Suggestion } from '../commands/complete.js'
import type { PromptState } from '../state/ui-state.js'

export interface PromptLineProps {
  readonly prompt: PromptState
  /** Completions for command mode; empty for filters. */
  readonly suggestions: readonly Suggestion[]
  readonly isActive: boolean
  readonly onChange: (text: string) => void
  readonly onChoice: (delta: number) => void
  readonly onSubmit: (text: string) => void
  readonly onCancel: () => void
}

export function PromptLine ({ prompt, suggestions, isActive, onChange, onChoice, onSubmit, onCancel }: PromptLineProps): React.JSX.Element {
  useInput((input, key) => {
    if (key.escape) { onCancel(); return }
    if (key.return) { onSubmit(prompt.text); return }
    if (key.tab) {
      const s = suggestions[prompt.choice] ?? suggestions[0]
      if (s != null) onChange(s.line.endsWith(' ') ? s.line : s.line + ' ')
      return
    }
    if (key.upArrow) { onChoice(-1); return }
    if (key.downArrow) { onChoice(1); return }
    if (key.backspace || key.delete) { onChange(prompt.text.slice(0, -1)); return }
    if (key.ctrl && input === 'u') { onChange(''); return }
    if (key.ctrl || key.meta || input === '') return
    // Typed fast, pasted, or sent by tmux, text and Enter can arrive as one chunk: the line ends
    // at the first newline and is submitted, as if Enter had been pressed on its own.
    const nl = input.search(/[\r\n]/)
    if (nl >= 0) { onSubmit(prompt.text + input.slice(0, nl)); return }
    onChange(prompt.text + input)
  }, { isActive })

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
