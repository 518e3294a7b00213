import { describe, expect, it } from 'vitest'
import { bar, fit, formatAge, shortSha, shortState, splitWords, usage } from '../../../tui/render/format.js'

describe('format', () => {
  it.each([
    [null, '-'],
    [0, '0s'],
    [59_000, '59s'],
    [60_000, '1m'],
    [3_600_000, '1h'],
    [47 * 3_600_000, '47h'],
    [3 * 86_400_000, '3d'],
    [-5_000, '0s']
  ])('formats an age of %s ms as %s', (ago, text) => {
    const now = 1_000_000_000_000
    expect(formatAge(ago == null ? null : now - ago, now)).toBe(text)
  })

  it('shortens a sha to 7 characters and shows a dash for none', () => {
    expect(shortSha('0123456789abcdef')).toBe('0123456')
    expect(shortSha(null)).toBe('-')
  })

  it.each([
    [0, 4, '░░░░'],
    [100, 4, '████'],
    [50, 4, '██░░'],
    [12.5, 2, '▎░'],
    [250, 2, '██'],
    [Number.NaN, 2, '░░']
  ])('draws a bar of %s%% in %s cells as %s', (pct, width, text) => {
    expect(bar(pct, width)).toBe(text)
    expect(bar(pct, width)).toHaveLength(width)
  })

  it('shows usage as a bar and a right-aligned percentage', () => {
    expect(usage(75)).toBe('█▌  75')
    expect(usage(null)).toBe('-')
  })

  it('fits text to a width, truncating with an ellipsis', () => {
    expect(fit('abc', 5)).toBe('abc  ')
    expect(fit('abc', 5, 'right')).toBe('  abc')
    expect(fit('abcdef', 4)).toBe('abc…')
    expect(fit('abc', 0)).toBe('')
  })

  it('abbreviates maintenance states and keeps the others', () => {
    expect(shortState('maintenance_recovering')).toBe('maint.recovering')
    expect(shortState('install_failed')).toBe('install_failed')
  })

  it('splits prompt words keeping quoted phrases whole', () => {
    expect(splitWords('maintenance enter planned "disk swap"')).toEqual(['maintenance', 'enter', 'planned', 'disk swap'])
    expect(splitWords("tag add 'a b'  c")).toEqual(['tag', 'add', 'a b', 'c'])
    expect(splitWords('say "unterminated')).toEqual(['say', 'unterminated'])
  })
})
