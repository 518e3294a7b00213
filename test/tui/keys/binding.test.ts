import type { Key } from 'ink'
import { describe, expect, it } from 'vitest'
import { findBinding, keyLabel, keyName, usableBindings } from '../../../tui/keys/binding.js'
import { bindingsFor, FLEET_BINDINGS } from '../../../tui/keys/bindings.js'

const none: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false
}

describe('key bindings', () => {
  it.each([
    ['', { downArrow: true }, 'down'],
    ['', { pageDown: true }, 'pgdn'],
    ['', { return: true }, 'enter'],
    ['', { escape: true }, 'esc'],
    ['d', { ctrl: true }, 'ctrl+d'],
    [' ', {}, 'space'],
    ['N', { shift: true }, 'N'],
    ['j', {}, 'j']
  ])('names input %j with %j as %s', (input, key, name) => {
    expect(keyName(input, { ...none, ...key })).toBe(name)
  })

  it('finds a binding by its key or an alias', () => {
    expect(findBinding(FLEET_BINDINGS, 'down')?.description).toBe('down')
    expect(findBinding(FLEET_BINDINGS, 'j')?.description).toBe('down')
    expect(keyLabel(findBinding(FLEET_BINDINGS, 'j')!)).toBe('j/down')
  })

  it('drops every fleet-changing key in read-only mode', () => {
    const all = bindingsFor('fleet')
    const ro = usableBindings(all, true)
    expect(ro.some((b) => b.dangerous === true || b.mutates === true)).toBe(false)
    expect(findBinding(ro, 'ctrl+d')).toBeUndefined()
    expect(findBinding(usableBindings(all, false), 'ctrl+d')?.dangerous).toBe(true)
  })

  it('has no key bound twice in any view', () => {
    for (const view of ['fleet', 'node', 'roles', 'code', 'events'] as const) {
      const names = bindingsFor(view).flatMap((b) => [b.key, ...(b.also ?? [])])
      expect(new Set(names).size, view).toBe(names.length)
    }
  })

  it('documents every key', () => {
    for (const b of bindingsFor('fleet')) expect(b.description.length).toBeGreaterThan(1)
  })
})
