import { describe, expect, it } from 'vitest'
import { COLUMNS, layoutColumns, ROW_PREFIX } from '../../../tui/render/columns.js'

const used = (cols: ReturnType<typeof layoutColumns>): number => ROW_PREFIX + cols.reduce((s, c) => s + c.size, 0) + cols.length - 1

describe('layoutColumns', () => {
  it.each([80, 100, 120, 200])('fills exactly %s columns', (width) => {
    expect(used(layoutColumns(width))).toBe(width)
  })

  it('keeps name, state, liveness, roles, usage and heartbeat at 80 columns', () => {
    const ids = layoutColumns(80).map((c) => c.id)
    expect(ids).toEqual(['name', 'state', 'liveness', 'roles', 'cpu', 'mem', 'disk', 'heartbeat'])
  })

  it('adds the versions column on a wide terminal', () => {
    expect(layoutColumns(120).map((c) => c.id)).toContain('versions')
  })

  it('drops the least important columns first on a narrow terminal', () => {
    const ids = layoutColumns(50).map((c) => c.id)
    expect(ids).toContain('name')
    expect(ids).toContain('state')
    expect(ids).not.toContain('disk')
    expect(used(layoutColumns(50))).toBeLessThanOrEqual(50)
  })

  it('keeps table order whatever it drops', () => {
    const order = COLUMNS.map((c) => c.id)
    for (const w of [40, 60, 80, 140]) {
      const ids = layoutColumns(w).map((c) => c.id)
      expect([...ids].sort((a, b) => order.indexOf(a) - order.indexOf(b))).toEqual(ids)
    }
  })
})
