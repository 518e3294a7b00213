import { afterEach, describe, expect, it } from 'vitest'
import { cleanup } from 'ink-testing-library'
import { FakeSource } from '../helpers/fake-source.js'
import { mount } from '../helpers/harness.js'
import { makeFleet } from '../helpers/fixtures.js'

afterEach(() => { cleanup() })

describe('connection to the daemon', () => {
  it('shows a banner when the daemon goes away and reconnects with backoff', async () => {
    const fleet = makeFleet(3)
    const sources: FakeSource[] = []
    let refuse = 0
    const connect = async (): Promise<FakeSource> => {
      if (refuse > 0) { refuse--; throw new Error('ECONNREFUSED') }
      const s = new FakeSource(fleet)
      sources.push(s)
      return s
    }
    const t = await mount(fleet, { connect })
    await t.waitFor('n0002')
    await t.eventually(() => { expect(t.frame()).not.toContain('DISCONNECTED') })
    refuse = 2
    sources[0].drop()
    await t.waitFor('DISCONNECTED from the daemon')
    // Stale rows stay on screen while we reconnect.
    await t.eventually(() => { expect(t.frame()).toContain('n0002') })
    await t.waitFor(/attempt [23]/)
    fleet.nodes[2].state = 'error'
    await t.waitFor(/n0002\s+error/)
    await t.eventually(() => { expect(t.frame()).not.toContain('DISCONNECTED') })
    expect(sources).toHaveLength(2)
    expect(sources[1].subscribers).toBe(1)
    // Live changes flow on the new connection.
    sources[1].pushTransition(fleet.nodes[1].id, 'online', 'degraded')
    await t.waitFor(/n0001\s+degraded/)
  })

  it('keeps trying when the daemon is not up yet', async () => {
    const fleet = makeFleet(2)
    let refuse = 3
    const t = await mount(fleet, {
      connect: async () => {
        if (refuse > 0) { refuse--; throw new Error('no socket') }
        return new FakeSource(fleet)
      }
    })
    await t.waitFor('connecting to the daemon')
    await t.waitFor('n0001')
    await t.eventually(() => { expect(t.frame()).not.toContain('connecting') })
  })
})
