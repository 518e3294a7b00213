import { afterEach, describe, expect, it } from 'vitest'
import { cleanup } from 'ink-testing-library'
import { KEYS, mount } from '../helpers/harness.js'
import { makeFleet } from '../helpers/fixtures.js'

afterEach(() => { cleanup() })

describe('1,000 nodes', () => {
  it('renders only the visible rows and scrolls to the end without errors', async () => {
    const t = await mount(makeFleet(1000), { columns: 120, rows: 30 })
    await t.waitFor('n0000')
    await t.eventually(() => { expect(t.frame()).toContain('1000 nodes') })
    const visible = t.rowNames()
    expect(visible.length).toBe(22)
    await t.eventually(() => { expect(t.frame()).toContain('1-22 of 1000') })
    await t.press(KEYS.pgdn, KEYS.pgdn)
    await t.eventually(() => { expect(t.rowNames()[0]).not.toBe('n0000') })
    await t.press('G')
    await t.waitFor('979-1000 of 1000')
    await t.eventually(() => { expect(t.rowNames().at(-1)).toBe('n0999') })
    for (let i = 0; i < 30; i++) await t.press('k')
    await t.eventually(() => { expect(t.frame()).toMatch(/\d+-\d+ of 1000/) })
    await t.press('g')
    await t.eventually(() => { expect(t.rowNames()[0]).toBe('n0000') })
    await t.press('C')
    await t.eventually(() => { expect(t.rowNames()).toHaveLength(22) })
    expect(t.r.stderr.lastFrame() ?? '').toBe('')
  })

  it('applies a burst of 1,000 heartbeats and still shows the latest values', async () => {
    const fleet = makeFleet(1000)
    const t = await mount(fleet, { columns: 120, rows: 30 })
    await t.waitFor('n0000')
    for (const n of fleet.nodes) {
      t.source.push({ kind: 'heartbeat', origin: n.id, type: 'heartbeat', value: { health: { ...n.health!, cpuPercent: 99 }, state: n.state, versions: n.versions } })
    }
    await t.waitFor(/n0001\s.*99/)
    expect(t.source.calls.filter((c) => c.method === 'nodes')).toHaveLength(1)
  })
})
