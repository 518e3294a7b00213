import { afterEach, describe, expect, it } from 'vitest'
import { cleanup } from 'ink-testing-library'
import { KEYS, mount } from '../helpers/harness.js'
import { makeFleet } from '../helpers/fixtures.js'

afterEach(() => { cleanup() })

describe('Node view', () => {
  it('shows health, roles assigned/detected/effective and the first history page', async () => {
    const t = await mount(makeFleet(3), { rows: 30 })
    await t.waitFor('n0002')
    await t.press(KEYS.enter)
    await t.waitFor('History 1-')
    const f = t.frame()
    expect(f).toContain('host host-0')
    expect(f).toMatch(/effective frontend\s+assigned frontend\s+detected frontend\(active\)/)
    expect(f).toContain('◆ code-source')
    expect(f).toMatch(/History 1-\d+ of 23/)
    // Newest first: change 23 is the latest transition, by trigger and operator.
    expect(f).toMatch(/online → degraded\s+system\s+-\s+change 23/)
    expect(f).toMatch(/degraded → online\s+operator\s+alice\s+change 22/)
  })

  it('pages through the history with ] and [', async () => {
    const t = await mount(makeFleet(3), { rows: 24 })
    await t.waitFor('n0002')
    await t.press(KEYS.enter)
    await t.waitFor('History 1-7 of 23')
    await t.press(']')
    await t.waitFor('History 8-14 of 23')
    await t.eventually(() => { expect(t.frame()).toContain('change 16') })
    await t.press(']', ']', ']')
    await t.waitFor('History 22-23 of 23')
    await t.eventually(() => { expect(t.frame()).toContain('change 1') })
    await t.press('[')
    await t.waitFor('History 15-21 of 23')
    const calls = t.source.calls.filter((c) => c.method === 'history').map((c) => c.params?.offset)
    expect(calls).toEqual(expect.arrayContaining([0, 7, 14, 21]))
  })

  it('shows recent command results for the node', async () => {
    const fleet = makeFleet(3)
    fleet.results.push({ commandId: '01HZZZZZZZZZZZZZZZZZRESULT', node: fleet.nodes[0].id, nodeName: 'n0000', status: 'rejected', reason: 'invalid transition', at: Date.now() })
    const t = await mount(fleet, { rows: 30 })
    await t.waitFor('n0002')
    await t.press(KEYS.enter)
    await t.waitFor('invalid transition')
    await t.eventually(() => { expect(t.frame()).toMatch(/rejected\s+Z*RESULT/) })
  })

  it('follows live state changes of the node it shows', async () => {
    const t = await mount(makeFleet(3))
    await t.waitFor('n0002')
    await t.press(KEYS.enter)
    await t.waitFor('History')
    t.source.pushTransition(t.source.fleet.nodes[0].id, 'online', 'degraded')
    await t.waitFor(/^n0000\s+degraded/m)
  })
})
