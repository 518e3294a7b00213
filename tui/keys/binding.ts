/**
 * Key bindings are data (k9s `ui/action.go`): one record per key says what it does, whether the
 * hint bar shows it, and whether it changes the fleet. The hint bar, the `?` help and read-only
 * mode are all derived from these records, so they can never disagree with what a key does.
 */
import type { Key } from 'ink'

export interface KeyBinding<C> {
  /** Key name as shown and matched: 'j', 'N', 'enter', 'esc', 'space', 'pgdn', 'ctrl+d', ... */
  readonly key: string
  /** Other keys that do the same, e.g. 'down' for 'j'. */
  readonly also?: readonly string[]
  readonly description: string
  readonly run: (ctx: C) => void
  /** Shown in the hint bar (the `?` help always lists every binding). @default false */
  readonly visible?: boolean
  /** Changes the fleet: needs an operator key, so it vanishes in read-only mode. */
  readonly mutates?: boolean
  /** Destructive: also asks y/N before anything is sent. Implies `mutates`. */
  readonly dangerous?: boolean
}

/** Ink's (input, key) pair as one name that bindings match on. */
export function keyName (input: string, key: Key): string {
  if (key.upArrow) return 'up'
  if (key.downArrow) return 'down'
  if (key.leftArrow) return 'left'
  if (key.rightArrow) return 'right'
  if (key.pageUp) return 'pgup'
  if (key.pageDown) return 'pgdn'
  if (key.home) return 'home'
  if (key.end) return 'end'
  if (key.return) return 'enter'
  if (key.escape) return 'esc'
  if (key.tab) return key.shift ? 'shift+tab' : 'tab'
  if (key.backspace || key.delete) return 'backspace'
  if (key.ctrl && input !== '') return `ctrl+${input.toLowerCase()}`
  if (input === ' ') return 'space'
  return input
}

/** The bindings usable now: fleet-changing ones are gone without an operator key. */
export function usableBindings<C> (bindings: readonly KeyBinding<C>[], readOnly: boolean): KeyBinding<C>[] {
  return readOnly ? bindings.filter((b) => b.mutates !== true && b.dangerous !== true) : [...bindings]
}

export function findBinding<C> (bindings: readonly KeyBinding<C>[], name: string): KeyBinding<C> | undefined {
  return bindings.find((b) => b.key === name || (b.also?.includes(name) ?? false))
}

/** "j/down" as the help and hint bar print it. */
export function keyLabel (b: Pick<KeyBinding<never>, 'key' | 'also'>): string {
  return [b.key, ...(b.also ?? [])].join('/')
}
