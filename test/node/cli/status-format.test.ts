import { describe, expect, it } from 'vitest'
import { transferLine } from '../../../node/cli/commands/status.js'

const MiB = 1048576
const sha = 'ab'.repeat(20)

describe('slm status: the code transfer line', () => {
  it('idle: what moved since the daemon started', () => {
    expect(transferLine({ served: 2, servedBytes: 2 * MiB, fetched: 1, fetchedBytes: MiB, active: [] }))
      .toBe('served 2 (2.0 MiB), fetched 1 (1.0 MiB) since start')
  })

  it('bundles moving now come first, with progress; a peer not yet answering is being asked', () => {
    const line = transferLine({
      served: 0,
      servedBytes: 0,
      fetched: 0,
      fetchedBytes: 0,
      active: [
        { sha, peer: 'p1', peerName: 'n1', direction: 'in', bytes: 12.5 * MiB, size: 50 * MiB, startedAt: 0 },
        { sha, peer: 'p3', peerName: 'n3', direction: 'out', bytes: 0, size: 50 * MiB, startedAt: 0 },
        { sha, peer: 'p4', direction: 'in', bytes: 0, size: 0, startedAt: 0 }
      ]
    })
    expect(line).toBe(`fetching ${sha.slice(0, 12)} from n1: 12.5 MiB of 50.0 MiB (25 %); serving ${sha.slice(0, 12)} to n3: 0.0 MiB of 50.0 MiB (0 %); ` +
      `asking p4 for ${sha.slice(0, 12)}; served 0 (0.0 MiB), fetched 0 (0.0 MiB) since start`)
  })
})
