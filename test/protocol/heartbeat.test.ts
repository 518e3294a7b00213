import { describe, expect, it } from 'vitest'
import { FULL_HEARTBEAT_EVERY, briefOf, completeHeartbeat, fullBeatDue, isFull, stableHash } from '../../protocol/heartbeat.js'
import { decodeGossip, encodeGossip } from '../../protocol/codec.js'
import { validateGossipMessage } from '../../protocol/schema.js'
import { PROTOCOL_VERSION, type Heartbeat } from '../../protocol/types.js'
import { sampleDetectedRole, sampleHealth, sampleHeartbeat } from './samples.js'

const withHash = (hb: Heartbeat): Heartbeat & { stable: string } => ({ ...hb, stable: stableHash(hb) })
const wire = (heartbeat: unknown): unknown => ({ v: PROTOCOL_VERSION, kind: 'heartbeat', heartbeat })

describe('brief heartbeats', () => {
  const full = withHash(sampleHeartbeat({
    health: sampleHealth({ services: [{ name: 'nginx.service', activeState: 'active', subState: 'running' }], listeningPorts: [{ port: 443, process: 'nginx', pid: 10 }] })
  }))

  it('hash only the stable parts, whatever their key order', () => {
    const moved = { ...full, hlc: '001800000000000-000000', seq: 99, health: { ...full.health, cpuPercent: 99, uptimeSeconds: 1 } }
    expect(stableHash(moved)).toBe(full.stable)
    const reordered = { ...full, detectedRoles: Object.fromEntries(Object.entries({ b: sampleDetectedRole(), a: sampleDetectedRole({ status: 'active' }) })) }
    const sorted = { ...full, detectedRoles: { a: sampleDetectedRole({ status: 'active' }), b: sampleDetectedRole() } }
    expect(stableHash(reordered)).toBe(stableHash(sorted))
    expect(stableHash({ ...full, health: { ...full.health, listeningPorts: [] } })).not.toBe(full.stable)
    expect(stableHash({ ...full, detectedRoles: {} })).not.toBe(full.stable)
    expect(full.stable).toMatch(/^[A-Za-z0-9_-]{22}$/)
  })

  it('a brief heartbeat leaves out roles, services and ports, and is well under half the size', () => {
    const brief = briefOf(full)
    expect(isFull(brief)).toBe(false)
    expect(brief).not.toHaveProperty('detectedRoles')
    expect(brief.health).not.toHaveProperty('services')
    expect(brief.health).not.toHaveProperty('listeningPorts')
    expect(brief.stable).toBe(full.stable)
    const big = withHash(sampleHeartbeat({ detectedRoles: Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map(r => [r, sampleDetectedRole({ path: `/opt/${r}/current` })])) }))
    expect(encodeGossip({ v: PROTOCOL_VERSION, kind: 'heartbeat', heartbeat: briefOf(big) }).byteLength * 2)
      .toBeLessThan(encodeGossip({ v: PROTOCOL_VERSION, kind: 'heartbeat', heartbeat: big }).byteLength)
  })

  it('completes from the last heartbeat of the origin', () => {
    const next = { ...full, hlc: '001800000000000-000000', health: { ...full.health, cpuPercent: 42 } }
    const done = completeHeartbeat(briefOf(next), full)
    expect(done).toEqual(next)
  })

  it('keeps the previous hash when the brief one names another (a full one went missing)', () => {
    const changed = withHash({ ...full, detectedRoles: {} })
    const done = completeHeartbeat(briefOf(changed), full)
    expect(done.detectedRoles).toEqual(full.detectedRoles)
    expect(done.stable).toBe(full.stable)
    // ...so the next brief one under the new hash is not mistaken for current either, until a full one.
    expect(completeHeartbeat(briefOf(changed), done).stable).toBe(full.stable)
    expect(completeHeartbeat(changed, done)).toEqual(changed)
  })

  it('without an earlier heartbeat, a brief one completes with nothing known', () => {
    const done = completeHeartbeat(briefOf(full), undefined)
    expect(done.detectedRoles).toEqual({})
    expect(done.health.services).toEqual([])
    expect(done.health.listeningPorts).toEqual([])
    expect(done).not.toHaveProperty('stable')
  })

  it('a full heartbeat is due on change, after a peer joined, and every FULL_HEARTBEAT_EVERY beats', () => {
    const h = full.stable
    expect(fullBeatDue(h, { lastHash: undefined, sinceFull: 0, peerJoined: false })).toBe(true)
    expect(fullBeatDue(h, { lastHash: 'other', sinceFull: 0, peerJoined: false })).toBe(true)
    expect(fullBeatDue(h, { lastHash: h, sinceFull: 0, peerJoined: true })).toBe(true)
    expect(fullBeatDue(h, { lastHash: h, sinceFull: 0, peerJoined: false })).toBe(false)
    expect(fullBeatDue(h, { lastHash: h, sinceFull: FULL_HEARTBEAT_EVERY - 2, peerJoined: false })).toBe(false)
    expect(fullBeatDue(h, { lastHash: h, sinceFull: FULL_HEARTBEAT_EVERY - 1, peerJoined: false })).toBe(true)
  })

  it('the topic accepts full and brief heartbeats, and refuses one that is neither', () => {
    expect(decodeGossip(encodeGossip({ v: PROTOCOL_VERSION, kind: 'heartbeat', heartbeat: briefOf(full) }))).toEqual(wire(briefOf(full)))
    expect(() => validateGossipMessage(wire(full))).not.toThrow()
    // Stable parts half there, a brief one without its hash, a malformed hash: refused.
    const { detectedRoles: _r, ...noRoles } = full
    expect(() => validateGossipMessage(wire(noRoles))).toThrow()
    const { stable: _s, ...noHash } = briefOf(full)
    expect(() => validateGossipMessage(wire(noHash))).toThrow()
    expect(() => validateGossipMessage(wire({ ...briefOf(full), stable: 'short' }))).toThrow()
    expect(() => validateGossipMessage(wire({ ...full, stable: 'x'.repeat(40) }))).toThrow()
  })
})
