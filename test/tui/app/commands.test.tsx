import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup } from 'ink-testing-library'
import { validateCommand } from '../../../protocol/schema.js'
import { KEYS, mount, tick } from '../helpers/harness.js'
import { makeFleet } from '../helpers/fixtures.js'
import { testSigner } from '../helpers/test-signer.js'

afterEach(() => { cleanup() })

describe('commands from the TUI', () => {
  it('asks y/N before a destructive command and y submits a correctly signed envelope', async () => {
    const signer = testSigner()
    const t = await mount(makeFleet(4), { signer })
    await t.waitFor('n0003')
    await t.press('j', KEYS.ctrlD)
    await t.waitFor('⚠ retire on n0001')
    await t.eventually(() => { expect(t.frame()).toContain('Send it? y/N') })
    expect(t.source.submitted).toHaveLength(0)
    await t.press('y')
    await vi.waitFor(() => { expect(t.source.submitted).toHaveLength(1) })
    const cmd = t.source.submitted[0]
    expect(cmd.action).toBe('retire')
    expect(cmd.target).toEqual({ kind: 'nodes', nodes: [t.source.fleet.nodes[1].id] })
    expect(cmd.issuer).toBe(signer.issuer)
    expect(signer.verify(cmd)).toBe(true)
    expect(validateCommand(cmd)).toEqual(cmd)
  })

  it('any key but y cancels the confirmation and nothing is sent', async () => {
    const t = await mount(makeFleet(4), { signer: testSigner() })
    await t.waitFor('n0003')
    await t.press(':')
    await t.type('reprovision')
    await t.press(KEYS.enter)
    await t.waitFor('⚠ reprovision on n0000')
    await t.press('n')
    await t.waitFor('cancelled')
    await tick(30)
    expect(t.source.submitted).toHaveLength(0)
  })

  it('sends a non-destructive command straight away to every marked node, and shows results as they arrive', async () => {
    const t = await mount(makeFleet(4), { signer: testSigner() })
    await t.waitFor('n0003')
    await t.press(' ', 'j', 'j', ' ')
    await t.press(':')
    await t.type('maintenance enter planned "disk swap"')
    await t.press(KEYS.enter)
    await vi.waitFor(() => { expect(t.source.submitted).toHaveLength(1) })
    const cmd = t.source.submitted[0]
    expect(cmd.action).toBe('maintenance_enter')
    expect(cmd.params).toEqual({ type: 'planned', reason: 'disk swap' })
    expect(cmd.target).toEqual({ kind: 'nodes', nodes: [t.source.fleet.nodes[0].id, t.source.fleet.nodes[2].id] })
    await t.waitFor('maintenance_enter')
    await t.eventually(() => { expect(t.frame()).toContain('waiting 2') })
    await t.eventually(() => { expect(t.frame()).not.toContain('marked') })
    for (const i of [0, 2]) {
      const origin = t.source.fleet.nodes[i].id
      t.source.push({
        kind: 'event',
        origin,
        type: 'command_result',
        event: { v: 1, origin, seq: 5, hlc: '000000000000005-000000', type: 'command_result', body: { commandId: cmd.id, action: cmd.action, status: i === 0 ? 'applied' : 'rejected', reason: i === 0 ? undefined : 'invalid transition' }, sig: 'x' }
      })
    }
    await t.waitFor('applied 1/2, rejected 1 (n0002: invalid transition)')
  })

  it('maintenance enter immediate is destructive, planned is not', async () => {
    const t = await mount(makeFleet(2), { signer: testSigner() })
    await t.waitFor('n0001')
    await t.press(':')
    await t.type('maintenance enter immediate now')
    await t.press(KEYS.enter)
    await t.waitFor('⚠ maintenance enter immediate now on n0000')
  })

  it('m opens the prompt pre-filled for maintenance', async () => {
    const t = await mount(makeFleet(2), { signer: testSigner() })
    await t.waitFor('n0001')
    await t.press('m')
    await t.eventually(() => { expect(t.frame()).toMatch(/^:maintenance enter planned/m) })
  })

  it('refuses an invalid command before it is sent and says why', async () => {
    const t = await mount(makeFleet(2), { signer: testSigner() })
    await t.waitFor('n0001')
    await t.press(':')
    await t.type('code sync frontend abc')
    await t.press(KEYS.enter)
    await t.waitFor('not sent:')
    await t.eventually(() => { expect(t.frame()).toMatch(/commit/) })
    expect(t.source.submitted).toHaveLength(0)
  })
})

describe('read-only mode (no operator key)', () => {
  it('says READ-ONLY in the header and hides every fleet-changing key', async () => {
    const t = await mount(makeFleet(3))
    await t.waitFor('n0002')
    const f = t.frame()
    expect(f).toContain('READ-ONLY')
    expect(f).not.toContain('<ctrl+d>')
    expect(f).not.toContain('<a>admit')
    await t.press(KEYS.ctrlD)
    await tick(20)
    await t.eventually(() => { expect(t.frame()).not.toContain('⚠') })
    expect(t.source.submitted).toHaveLength(0)
  })

  it('with a key the header says operator and the dangerous key is shown', async () => {
    const t = await mount(makeFleet(3), { signer: testSigner() })
    await t.waitFor('n0002')
    await t.eventually(() => { expect(t.frame()).not.toContain('READ-ONLY') })
    await t.eventually(() => { expect(t.frame()).toContain('<ctrl+d>retire') })
    await t.eventually(() => { expect(t.frame()).toContain('<a>admit') })
  })

  it('typing an action at the prompt explains that a key is needed', async () => {
    const t = await mount(makeFleet(3))
    await t.waitFor('n0002')
    await t.press(':')
    await t.type('retire')
    await t.press(KEYS.enter)
    await t.waitFor('read-only: :retire needs an operator key')
    expect(t.source.submitted).toHaveLength(0)
  })
})
