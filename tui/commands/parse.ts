/**
 * Parses the `:` prompt line into a view switch or a fleet action, using the tables in specs.ts.
 * Pure: the caller adds the target (selected/marked nodes) and signs.
 */
import type { Action } from '../../protocol/types.js'
import { splitWords } from '../render/format.js'
import { ACTION_SPECS, VIEW_SPECS, isDangerous, type ActionSpec, type ViewName } from './specs.js'

export type ParsedPrompt =
  | { readonly kind: 'empty' }
  | { readonly kind: 'quit' }
  | { readonly kind: 'help' }
  | { readonly kind: 'view'; readonly view: ViewName }
  | {
    readonly kind: 'action'
    readonly spec: ActionSpec
    readonly action: Action
    readonly params: Record<string, unknown>
    readonly dangerous: boolean
    readonly comment: string
  }
  | { readonly kind: 'error'; readonly message: string }

/** Finds the action whose words the line starts with (longest match first). */
export function findActionSpec (words: readonly string[]): ActionSpec | undefined {
  let best: ActionSpec | undefined
  for (const spec of ACTION_SPECS) {
    if (spec.words.length > words.length) continue
    if (!spec.words.every((w, i) => words[i] === w)) continue
    if (best == null || spec.words.length > best.words.length) best = spec
  }
  return best
}

export function usageOf (spec: ActionSpec): string {
  const args = spec.args.map((a) => {
    const name = a.kind === 'choice' ? a.choices.join('|') : a.name.toUpperCase()
    return a.optional === true ? `[${name}]` : name
  })
  return [...spec.words, ...args].join(' ')
}

/** Pulls `-m "comment"` out of the words, wherever it is. */
function takeComment (words: string[]): string {
  const i = words.findIndex((w) => w === '-m' || w === '--comment')
  if (i < 0) return ''
  const comment = words[i + 1] ?? ''
  words.splice(i, 2)
  return comment
}

export function parsePrompt (line: string): ParsedPrompt {
  const words = splitWords(line.trim().replace(/^:/, ''))
  if (words.length === 0) return { kind: 'empty' }
  const head = words[0].toLowerCase()
  if (words.length === 1) {
    if (head === 'q' || head === 'q!' || head === 'quit') return { kind: 'quit' }
    if (head === 'help' || head === '?') return { kind: 'help' }
    const view = VIEW_SPECS.find((v) => v.words.includes(head))
    if (view != null) return { kind: 'view', view: view.view }
  }
  const comment = takeComment(words)
  const spec = findActionSpec(words.map((w, i) => (i < 2 ? w.toLowerCase() : w)))
  if (spec == null) return { kind: 'error', message: `unknown command "${words[0]}": try :nodes, :roles, :code, :events or an action (? lists them)` }
  const rest = words.slice(spec.words.length)
  const args: Record<string, string | undefined> = {}
  for (const arg of spec.args) {
    if (arg.kind === 'rest') {
      args[arg.name] = rest.length > 0 ? rest.splice(0).join(' ') : undefined
    } else {
      args[arg.name] = rest.shift()
    }
    const value = args[arg.name]
    if (value == null) {
      if (arg.optional === true) continue
      return { kind: 'error', message: `missing ${arg.name}: usage :${usageOf(spec)}` }
    }
    if (arg.kind === 'choice' && !arg.choices.includes(value)) {
      return { kind: 'error', message: `bad ${arg.name} "${value}": one of ${arg.choices.join(', ')}` }
    }
  }
  if (rest.length > 0) return { kind: 'error', message: `unexpected "${rest.join(' ')}": usage :${usageOf(spec)}` }
  const params = spec.params(args)
  const reason = typeof params.reason === 'string' ? params.reason : ''
  return {
    kind: 'action',
    spec,
    action: spec.action,
    params,
    dangerous: isDangerous(spec, params),
    comment: comment !== '' ? comment : reason
  }
}
