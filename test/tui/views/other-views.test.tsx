import { afterEach, describe, expect, it } from 'vitest'
import { cleanup } from 'ink-testing-library'
import { KEYS, mount } from '../helpers/harness.js'
import { makeFleet } from '../helpers/fixtures.js'

afterEach(() => { cleanup() })

async function goto (t: Awaited<ReturnType<typeof mount>>, view: string): Promise<void> {
  await t.press(':')
  await t.type(view)
  await t.press(KEYS.enter)
}

describe('Roles view', () => {
  it('lists role definitions with healthy/total node counts, and Enter filters the fleet by role', async () => {
    const t = await mount(makeFleet(8))
    await t.waitFor('n0007')
    await goto(t, 'roles')
    await t.waitFor('Roles (4)')
    await t.eventually(() => { expect(t.frame()).toMatch(/frontend\s+stateless\s+2\/2\s+frontend\.service\s+tcp:8000\s+the frontend role/) })
    // n0005 is suspect: not counted healthy.
    await t.eventually(() => { expect(t.frame()).toMatch(/backend\s+stateless\s+1\/2/) })
    await t.press('j', KEYS.enter)
    await t.waitFor('Fleet (2/8) /backend')
    await t.eventually(() => { expect(t.rowNames()).toEqual(['n0001', 'n0005']) })
  })
})

describe('Code view', () => {
  it('shows rollout progress per role and announced commits', async () => {
    const t = await mount(makeFleet(4))
    await t.waitFor('n0003')
    await goto(t, 'code')
    await t.waitFor('Commits (1)')
    const f = t.frame()
    expect(f).toMatch(/frontend\s+aaaaaaa rolling\s+█+░+ 2\/4 rolling/)
    expect(f).toMatch(/aaaaaaa\s+main\s+1m\s+alice\s+frontend\s+fix the frontend/)
  })

  it('refetches when a code change arrives live', async () => {
    const fleet = makeFleet(4)
    const t = await mount(fleet)
    await t.waitFor('n0003')
    await goto(t, 'code')
    await t.waitFor('2/4 rolling')
    fleet.codeStatus.roles[0].done = 4
    t.source.push({ kind: 'event', origin: fleet.nodes[1].id, type: 'code_report' })
    await t.waitFor('4/4 in sync')
  })
})

describe('Events view', () => {
  it('streams live changes, newest at the bottom, and filters them', async () => {
    const fleet = makeFleet(4)
    const t = await mount(fleet)
    await t.waitFor('n0003')
    await goto(t, 'events')
    await t.waitFor('waiting for changes')
    t.source.pushTransition(fleet.nodes[1].id, 'online', 'degraded')
    t.source.push({ kind: 'liveness', origin: fleet.nodes[2].id, type: 'liveness', liveness: 'suspect' })
    t.source.push({ kind: 'heartbeat', origin: fleet.nodes[3].id, type: 'heartbeat' })
    await t.waitFor('suspect')
    const f = t.frame()
    expect(f).toMatch(/transition\s+n0001\s+online → degraded \(system\)/)
    expect(f).toContain('1 heartbeats')
    expect(f.indexOf('online → degraded')).toBeLessThan(f.indexOf('suspect'))
    await t.press('/')
    await t.type('n0001')
    await t.press(KEYS.enter)
    await t.waitFor('Events (1) /n0001')
    await t.eventually(() => { expect(t.frame()).not.toMatch(/liveness\s+n0002/) })
  })
})

describe('Help', () => {
  it('? lists every key of the view and esc closes it', async () => {
    const t = await mount(makeFleet(3), { rows: 40, columns: 120 })
    await t.waitFor('n0002')
    await t.press('?')
    await t.waitFor('Keys')
    const f = t.frame()
    for (const label of ['enter', 'j/down', 'k/up', 'pgdn/ctrl+f', 'pgup/ctrl+b', 'g/home', 'G/end', 'space', '/', 'N', 'S', 'C', ':', '?', 'esc', 'q', 'ctrl+c', 'ctrl+d']) {
      expect(f).toMatch(new RegExp(`(^|\\s)${label.replace(/[?+/]/g, '\\$&')}\\s`, 'm'))
    }
    expect(f).toContain(':maintenance enter draining|planned|immediate [REASON]')
    await t.press(KEYS.esc)
    await t.waitFor('Fleet (3)')
  })
})

describe('Navigation', () => {
  it('suggests completions for : and tab accepts the first', async () => {
    const t = await mount(makeFleet(3))
    await t.waitFor('n0002')
    await t.press(':')
    await t.type('ro')
    await t.eventually(() => { expect(t.frame()).toMatch(/roles/) })
    await t.press(KEYS.tab)
    await t.eventually(() => { expect(t.frame()).toMatch(/^:roles$/m) })
    await t.press(KEYS.enter)
    await t.waitFor('Roles (4)')
  })

  it('q quits', async () => {
    const t = await mount(makeFleet(1))
    await t.waitFor('n0000')
    await t.press('q')
    expect(t.onExit).toHaveBeenCalled()
  })

  it('says so when a : command is unknown', async () => {
    const t = await mount(makeFleet(1))
    await t.waitFor('n0000')
    await t.press(':')
    await t.type('frobnicate')
    await t.press(KEYS.enter)
    await t.waitFor('unknown command "frobnicate"')
  })
})

describe('Code view commands', () => {
  it('s pre-fills :code sync with the role and full sha of the commit under the cursor', async () => {
    const { testSigner } = await import('../helpers/test-signer.js')
    const t = await mount(makeFleet(4), { signer: testSigner() })
    await t.waitFor('n0003')
    await goto(t, 'code')
    await t.waitFor('Commits (1)')
    await t.press('s')
    await t.eventually(() => { expect(t.frame()).toContain(`:code sync frontend ${'a'.repeat(40)}`) })
    await t.press(KEYS.enter)
    await expect.poll(() => t.source.submitted.length).toBe(1)
    expect(t.source.submitted[0]).toMatchObject({ action: 'code_sync', target: { kind: 'role', role: 'frontend' }, params: { role: 'frontend', commit: 'a'.repeat(40), strategy: 'rolling' } })
  })
})
