/**
 * Suggestions for the `:` prompt: every view word and action usage the typed text could still
 * become, with role and tag names taken from the live fleet. Tab accepts the first.
 */
import { splitWords } from '../render/format.js'
import { usageOf } from './parse.js'
import { ACTION_SPECS, VIEW_SPECS, type ArgSpec } from './specs.js'

export interface CompletionContext {
  readonly roles: readonly string[]
  readonly tags: readonly string[]
}

export interface Suggestion {
  /** The full line after accepting it. */
  readonly line: string
  /** What to show: the usage or description. */
  readonly hint: string
}

function choicesOf (arg: ArgSpec, ctx: CompletionContext): readonly string[] {
  switch (arg.kind) {
    case 'choice': return arg.choices
    case 'role': return ctx.roles
    case 'tag': return ctx.tags
    default: return []
  }
}

/** `maxItems` keeps the suggestion line to one row at 80 columns. */
export function completePrompt (text: string, ctx: CompletionContext, maxItems = 6): Suggestion[] {
  const trailingSpace = /\s$/.test(text)
  const words = splitWords(text)
  const done = trailingSpace ? words : words.slice(0, -1)
  const partial = trailingSpace ? '' : (words.at(-1) ?? '')
  const out: Suggestion[] = []
  const seen = new Set<string>()
  const push = (line: string, hint: string): void => {
    if (seen.has(line) || out.length >= maxItems) return
    seen.add(line)
    out.push({ line, hint })
  }
  const prefix = done.length > 0 ? done.join(' ') + ' ' : ''

  if (done.length === 0) {
    for (const v of VIEW_SPECS) if (v.words[0].startsWith(partial)) push(v.words[0], v.description)
  }
  for (const spec of ACTION_SPECS) {
    const template: Array<string | ArgSpec> = [...spec.words, ...spec.args]
    // Typed words must agree with the template so far.
    let ok = true
    for (let i = 0; i < done.length && i < template.length; i++) {
      const t = template[i]
      if (typeof t === 'string' && t !== done[i]) { ok = false; break }
      if (typeof t !== 'string' && t.kind === 'rest') break
    }
    if (!ok || done.length > template.length) continue
    const next = template[done.length]
    if (next == null) continue
    if (typeof next === 'string') {
      if (next.startsWith(partial)) push(prefix + next, `:${usageOf(spec)}  ${spec.description}`)
      continue
    }
    const choices = choicesOf(next, ctx).filter((c) => c.startsWith(partial))
    for (const c of choices) push(prefix + c, `:${usageOf(spec)}`)
    if (choices.length === 0 && partial === '') push(prefix, `:${usageOf(spec)}  ${spec.description}`)
  }
  return out
}
