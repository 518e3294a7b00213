/**
 * The brief heartbeat's fast check (protocol/schema/brief-check.ts) against the zod schema it
 * stands in for: it takes real brief heartbeats (or it saves nothing), and over thousands of
 * mutated ones it never accepts what the schema rejects, and what it accepts is exactly what the
 * schema returns. Seeds are fixed, so a failure reproduces.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { briefOf, stableHash } from '../../protocol/heartbeat.js'
import { gossipMessageSchema, validateGossipMessage } from '../../protocol/schema.js'
import { isBriefHeartbeatMessage } from '../../protocol/schema/brief-check.js'
import { LIMITS } from '../../protocol/schema/common.js'
import { PROTOCOL_VERSION, type GossipMessage, type Heartbeat } from '../../protocol/types.js'
import { ValidationError } from '../../protocol/errors.js'
import { decodeGossip, encodeGossip } from '../../protocol/codec.js'
import { hostileValue, mutateValue, mutation } from './mutate.js'
import { NODE_B, sampleHealth, sampleHeartbeat } from './samples.js'

const v = PROTOCOL_VERSION

function briefMessage (over: Partial<Heartbeat> = {}): GossipMessage {
  const hb = sampleHeartbeat(over)
  return { v, kind: 'heartbeat', heartbeat: briefOf({ ...hb, stable: stableHash(hb) }) }
}

/** Brief heartbeats in the shapes a fleet sends: with and without the optional parts. */
function briefSamples (): GossipMessage[] {
  const { lease: _lease, ...noLease } = sampleHeartbeat()
  return [
    briefMessage(),
    briefMessage({ unconnected: 3, tags: [], versions: {}, addrs: [] }),
    { v, kind: 'heartbeat', heartbeat: briefOf({ ...noLease, stable: stableHash(noLease as Heartbeat) }) },
    briefMessage({ health: sampleHealth({ checks: {}, cpuPercent: 100, loadAvg: [0, 0, 0], uptimeSeconds: 0 }) }),
    briefMessage({ origin: NODE_B.nodeId, state: 'maintenance_recovering', lease: { holder: NODE_B.nodeId, term: 0, expiresAt: 0 } })
  ]
}

/** The fast check may only say yes where the schema does, and then to the same value. */
function agrees (value: unknown): void {
  if (!isBriefHeartbeatMessage(value)) return
  const parsed = gossipMessageSchema.safeParse(value)
  expect(parsed.success, `fast check accepted what the schema rejects: ${JSON.stringify(value)?.slice(0, 400)}`).toBe(true)
  expect(parsed.data).toEqual(value)
}

describe('brief heartbeat fast check', () => {
  it('accepts the brief heartbeats a fleet sends, which the schema accepts too', () => {
    for (const m of briefSamples()) {
      expect(isBriefHeartbeatMessage(m)).toBe(true)
      expect(isBriefHeartbeatMessage(JSON.parse(JSON.stringify(m)))).toBe(true)
      agrees(m)
      expect(decodeGossip(encodeGossip(m))).toEqual(m)
    }
  })

  it('leaves full heartbeats and every other message to the schema', () => {
    expect(isBriefHeartbeatMessage({ v, kind: 'heartbeat', heartbeat: sampleHeartbeat() })).toBe(false)
    expect(isBriefHeartbeatMessage({ v, kind: 'event', event: {} })).toBe(false)
    for (const odd of [null, undefined, 1, 'x', [], [briefMessage()], Object.create(null)]) expect(isBriefHeartbeatMessage(odd)).toBe(false)
    // Only our own objects can hold an undefined (JSON cannot): the schema accepts it as absent.
    const m = structuredClone(briefMessage()) as any
    m.heartbeat.lease = undefined
    expect(isBriefHeartbeatMessage(m)).toBe(false)
    expect(validateGossipMessage(m)).toEqual(m)
  })

  it('says no to each single bad field the schema rejects', () => {
    const bad: Array<[string, (m: any) => void]> = [
      ['unknown top-level key', (m) => { m.extra = 1 }],
      ['unknown heartbeat key', (m) => { m.heartbeat.extra = 1 }],
      ['unknown health key', (m) => { m.heartbeat.health.services = [] }],
      ['own __proto__ in a record', (m) => { m.heartbeat.versions = JSON.parse('{"__proto__":"x"}') }],
      ['own __proto__ in an object', (m) => { m.heartbeat.health = JSON.parse(JSON.stringify(m.heartbeat.health).replace('{', '{"__proto__":{},')) }],
      ['too many record keys', (m) => { m.heartbeat.versions = Object.fromEntries(Array.from({ length: LIMITS.recordKeys + 1 }, (_, i) => [`r${i}`, 'x'])) }],
      ['record key not a name', (m) => { m.heartbeat.versions = { 'a b': 'x' } }],
      ['record as array', (m) => { m.heartbeat.versions = [] }],
      ['infinite uptime (JSON.parse makes it from 1e999)', (m) => { m.heartbeat.health.uptimeSeconds = JSON.parse('1e999') }],
      ['negative load', (m) => { m.heartbeat.health.loadAvg = [0, -1, 0] }],
      ['four load averages', (m) => { m.heartbeat.health.loadAvg = [0, 0, 0, 0] }],
      ['cpu over 100', (m) => { m.heartbeat.health.cpuPercent = 100.5 }],
      ['seq not an integer', (m) => { m.heartbeat.seq = 1.5 }],
      ['seq past 2^53', (m) => { m.heartbeat.seq = 2 ** 53 }],
      ['interval 0', (m) => { m.heartbeat.intervalMs = 0 }],
      ['interval over an hour', (m) => { m.heartbeat.intervalMs = 3_600_001 }],
      ['unknown state', (m) => { m.heartbeat.state = 'dancing' }],
      ['bad hlc', (m) => { m.heartbeat.hlc = '1-1' }],
      ['long hostname', (m) => { m.heartbeat.health.hostname = 'h'.repeat(256) }],
      ['long addr', (m) => { m.heartbeat.addrs = ['a'.repeat(LIMITS.addr + 1)] }],
      ['too many addrs', (m) => { m.heartbeat.addrs = Array(LIMITS.addrs + 1).fill('/ip4/127.0.0.1/tcp/1') }],
      ['bad tag', (m) => { m.heartbeat.tags = [''] }],
      ['stable hash too short', (m) => { m.heartbeat.stable = 'abc' }],
      ['lease with extra key', (m) => { m.heartbeat.lease.extra = 1 }],
      ['check detail too long', (m) => { m.heartbeat.health.checks.x = { ok: true, detail: 'd'.repeat(LIMITS.comment + 1) } }],
      ['other protocol version', (m) => { m.heartbeat.v = v + 1 }],
      // Only our own objects can have holes (JSON cannot); the schema reads a hole as undefined.
      ['a hole in the load averages', (m) => { m.heartbeat.health.loadAvg = [0.1, , 0.3] }],
      ['a hole in the tags', (m) => { m.heartbeat.tags = ['a', , 'b'] }]
    ]
    for (const [what, spoil] of bad) {
      const m = structuredClone(briefMessage()) as any
      spoil(m)
      expect(isBriefHeartbeatMessage(m), what).toBe(false)
      expect(() => validateGossipMessage(m), what).toThrow(ValidationError)
    }
  })

  it('never accepts what the schema rejects, over mutated heartbeats', () => {
    const samples = briefSamples()
    fc.assert(fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (pick, ms) => {
      let value: unknown = samples[pick % samples.length]
      for (const m of ms) value = mutateValue(value, m)
      agrees(value)
      agrees(JSON.parse(JSON.stringify(value) ?? 'null'))
    }), { numRuns: 6000, seed: 20261207 })
  })

  it('never accepts what the schema rejects, with hostile values at every field', () => {
    const base = briefMessage()
    const paths: string[][] = []
    const walk = (x: unknown, path: string[]): void => {
      paths.push(path)
      if (x !== null && typeof x === 'object') for (const [k, y] of Object.entries(x)) walk(y, [...path, k])
    }
    walk(base, [])
    fc.assert(fc.property(fc.nat(), hostileValue, (pick, value) => {
      const path = paths[pick % paths.length]
      if (path.length === 0) return
      const m = structuredClone(base) as any
      let at = m
      for (const k of path.slice(0, -1)) at = at[k]
      at[path[path.length - 1]] = value
      agrees(m)
    }), { numRuns: 4000, seed: 7 })
  })
})
