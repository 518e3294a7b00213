import { describe, expect, it } from 'vitest'
import { countLiveness, livenessOf } from '../../../node/liveness/index.js'

const init = { intervalMs: 1000 }

describe('livenessOf', () => {
  const cases: Array<[string, Parameters<typeof livenessOf>[0], number, string]> = [
    ['fresh heartbeat and connected is alive', { lastHeartbeat: 10_000, connected: true, disconnectedAt: null }, 10_500, 'alive'],
    ['three missed intervals is suspect', { lastHeartbeat: 10_000, connected: true, disconnectedAt: null }, 13_500, 'suspect'],
    ['six missed intervals is unreachable', { lastHeartbeat: 10_000, connected: true, disconnectedAt: null }, 16_500, 'unreachable'],
    ['a disconnect with no later heartbeat is suspect at once', { lastHeartbeat: 10_000, connected: false, disconnectedAt: 10_100 }, 10_200, 'suspect'],
    ['a disconnect with no later heartbeat is unreachable after the grace', { lastHeartbeat: 10_000, connected: false, disconnectedAt: 10_100 }, 12_200, 'unreachable'],
    ['a heartbeat after the disconnect (via the mesh) keeps it alive', { lastHeartbeat: 10_500, connected: false, disconnectedAt: 10_100 }, 11_000, 'alive'],
    ['never heard and not connected is unreachable', { lastHeartbeat: null, connected: false, disconnectedAt: null }, 1, 'unreachable'],
    ['never heard but connected is alive', { lastHeartbeat: null, connected: true, disconnectedAt: null }, 1, 'alive']
  ]
  for (const [name, obs, now, want] of cases) {
    it(name, () => { expect(livenessOf(obs, init, now)).toBe(want) })
  }

  it('counts liveness values', () => {
    expect(countLiveness(['alive', 'alive', 'suspect'])).toEqual({ alive: 2, suspect: 1, unreachable: 0 })
  })
})
