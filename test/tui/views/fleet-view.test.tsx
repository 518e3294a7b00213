import { afterEach, describe, expect, it } from 'vitest'
import { cleanup } from 'ink-testing-library'
import { KEYS, mount } from '../helpers/harness.js'
import { makeFleet } from '../helpers/fixtures.js'

afterEach(() => { cleanup() })

describe('Fleet view', () => {
  it('shows one row a node with state, liveness, roles, usage and a header with counts', async () => {
    const t = await mount(makeFleet(8))
    await t.waitFor('n0007')
    const f = t.frame()
    await t.eventually(() => { expect(t.rowNames()).toEqual(['n0000', 'n0001', 'n0002', 'n0003', 'n0004', 'n0005', 'n0006', 'n0007']) })
    expect(f).toMatch(/n0003\s+degraded\s+alive\s+npu-worker/)
    expect(f).toMatch(/n0004\s+maint\.planned/)
    expect(f).toMatch(/n0005\s+◆?\s*error\s+suspect/)
    expect(f).toContain('online 4')
    expect(f).toContain('code-source n0000')
    expect(f).toContain('8 nodes')
    expect(f).toMatch(/NAME↑\s+STATE\s+LIVE\s+ROLES\s+CPU\s+MEM\s+DISK/)
  })

  it('narrows the rows with the / filter as you type, and esc clears it', async () => {
    const t = await mount(makeFleet(12))
    await t.waitFor('n0011')
    await t.press('/')
    await t.type('degraded')
    await t.eventually(() => { expect(t.rowNames()).toEqual(['n0003', 'n0011']) })
    await t.press(KEYS.enter)
    await t.eventually(() => { expect(t.frame()).toContain('Fleet (2/12) /degraded') })
    await t.press('/')
    await t.press(KEYS.esc)
    await t.eventually(() => { expect(t.rowNames()).toHaveLength(12) })
  })

  it('keys written back to back, before any render (tmux send-keys): / then the text with Enter in one read', async () => {
    const t = await mount(makeFleet(12))
    await t.waitFor('n0011')
    t.r.stdin.write('/')
    t.r.stdin.write('n0011\r')
    await t.eventually(() => { expect(t.frame()).toContain('Fleet (1/12) /n0011') })
    expect(t.rowNames()).toEqual(['n0011'])
    t.r.stdin.write(':')
    t.r.stdin.write('r')
    t.r.stdin.write('oles')
    t.r.stdin.write('\r')
    await t.eventually(() => { expect(t.frame()).toMatch(/Roles/) })
  })

  it('filters by role and by tag', async () => {
    const t = await mount(makeFleet(8))
    await t.waitFor('n0007')
    await t.press('/')
    await t.type('redis')
    await t.eventually(() => { expect(t.rowNames()).toEqual(['n0002', 'n0006']) })
    for (let i = 0; i < 5; i++) await t.press(KEYS.backspace)
    await t.type('rack-b')
    await t.eventually(() => { expect(t.rowNames()).toEqual(['n0001', 'n0003', 'n0005', 'n0007']) })
  })

  it('sorts with shift-letters (k9s) and reverses on the same letter', async () => {
    const t = await mount(makeFleet(6))
    await t.waitFor('n0005')
    await t.press('C')
    // cpu = i*37 % 100: n0 0, n1 37, n2 74, n3 11, n4 48, n5 85
    await t.eventually(() => { expect(t.rowNames()).toEqual(['n0000', 'n0003', 'n0001', 'n0004', 'n0002', 'n0005']) })
    await t.eventually(() => { expect(t.frame()).toContain('CPU↑') })
    await t.press('C')
    await t.eventually(() => { expect(t.rowNames()).toEqual(['n0005', 'n0002', 'n0004', 'n0001', 'n0003', 'n0000']) })
    await t.press('N')
    await t.eventually(() => { expect(t.rowNames()[0]).toBe('n0000') })
  })

  it('moves with j/k and arrows, and Enter opens the node under the cursor', async () => {
    const t = await mount(makeFleet(6))
    await t.waitFor('n0005')
    await t.press('j', 'j', KEYS.down, 'k')
    await t.press(KEYS.enter)
    await t.waitFor('History')
    await t.eventually(() => { expect(t.frame()).toMatch(/^n0002 +online/m) })
    await t.press(KEYS.esc)
    await t.waitFor('Fleet (6)')
  })

  it('marks rows with space for one bulk command', async () => {
    const t = await mount(makeFleet(6))
    await t.waitFor('n0005')
    await t.press(' ', 'j', 'j', ' ')
    await t.eventually(() => { expect(t.frame()).toContain('● 2 marked') })
    await t.eventually(() => { expect(t.frame()).toMatch(/^● n0000/m) })
    await t.eventually(() => { expect(t.frame()).toMatch(/^● n0002/m) })
  })

  it('fits 80x24 without wrapping and shows more columns when wider', async () => {
    const t = await mount(makeFleet(40), { columns: 80, rows: 24 })
    await t.waitFor('n0001')
    const lines = t.frame().split('\n')
    expect(lines.length).toBeLessThanOrEqual(23)
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80)
    await t.eventually(() => { expect(t.frame()).not.toContain('VERSIONS') })
    const wide = await mount(makeFleet(4), { columns: 140, rows: 30 })
    await wide.waitFor('n0003')
    await wide.eventually(() => { expect(wide.frame()).toContain('VERSIONS') })
  })

  it('shows a live change within a second and colours nothing it should not', async () => {
    const t = await mount(makeFleet(4))
    await t.waitFor('n0003')
    t.source.pushTransition(t.source.fleet.nodes[1].id, 'online', 'maintenance_draining')
    const start = Date.now()
    await t.waitFor(/n0001\s+maint\.draining/, 1000)
    expect(Date.now() - start).toBeLessThan(1000)
  })
})

describe('keys that arrive in one chunk (tmux send-keys, key repeat)', () => {
  it('runs each key, and a : line with Enter in the same chunk is submitted', async () => {
    const { testSigner } = await import('../helpers/test-signer.js')
    const t = await mount(makeFleet(6), { signer: testSigner() })
    await t.waitFor('n0005')
    await t.press('jj\r')
    await t.waitFor(/^n0002 +online/m)
    await t.press(KEYS.esc)
    await t.press('/n0004\r')
    await t.waitFor('Fleet (1/6) /n0004')
    await t.press(':maintenance enter planned "test"\r')
    await expect.poll(() => t.source.submitted.length).toBe(1)
    expect(t.source.submitted[0]).toMatchObject({ action: 'maintenance_enter', params: { type: 'planned', reason: 'test' }, target: { kind: 'nodes', nodes: [t.source.fleet.nodes[4].id] } })
  })

  it('a prompt line and Enter typed in one chunk submits it', async () => {
    const t = await mount(makeFleet(3))
    await t.waitFor('n0002')
    await t.press(':')
    await t.press('roles\r')
    await t.waitFor('Roles (4)')
  })
})
