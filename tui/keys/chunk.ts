/**
 * Splits one input chunk that holds several keys. Ink hands a multi-character read to `useInput`
 * as one string (it treats it as a paste); that happens with key repeat on a busy event loop and
 * with `tmux send-keys ':maintenance enter planned "x"' Enter`. Plain keys act one by one; a `:`
 * or `/` starts the prompt, and everything after it is the prompt's text, up to a newline that
 * submits it.
 */

export interface Chunk {
  /** Key names to run as bindings, in order. */
  readonly keys: string[]
  /** A prompt opened inside the chunk, with its text and whether Enter followed. */
  readonly prompt?: { readonly mode: 'command' | 'filter', readonly text: string, readonly submit: boolean }
}

export function splitChunk (input: string): Chunk {
  const keys: string[] = []
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]
    if (ch === ':' || ch === '/') {
      const rest = input.slice(i + 1)
      const nl = rest.search(/[\r\n]/)
      const text = nl >= 0 ? rest.slice(0, nl) : rest
      return { keys, prompt: { mode: ch === ':' ? 'command' : 'filter', text, submit: nl >= 0 } }
    }
    keys.push(ch === '\r' || ch === '\n' ? 'enter' : ch === ' ' ? 'space' : ch)
  }
  return { keys }
}
