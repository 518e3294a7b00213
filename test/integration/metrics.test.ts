/**
 * Issue 3's observability: Prometheus metrics on a localhost port of a real daemon in a real
 * 3-node fleet — messages in/out, rejections by reason, peers, sync pulls, heartbeat lag, store size.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePorts, startFleet, type Fleet } from '../helpers/index.js'
import { converge } from '../helpers/measure.js'
import { testConfig } from './test-config.js'

let fleet: Fleet
let port: number

/** `name{labels} value` lines of the exposition text, summed over label sets. */
function metric (text: string, name: string, labels = ''): number {
  let sum = 0
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line)
    if (m != null && m[1] === name && (m[2] ?? '').includes(labels)) sum += Number(m[3])
  }
  return sum
}

beforeAll(async () => {
  [port] = await freePorts(1)
  fleet = await startFleet({
    n: 3,
    heartbeatIntervalMs: 500,
    extraArgs: (name) => ['--config', testConfig(), ...(name === 'n1' ? ['--metrics-port', String(port)] : [])]
  })
  await converge(fleet, 60_000)
}, 120_000)
afterAll(async () => { await fleet?.stop() }, 60_000)

describe('metrics', () => {
  it('serves the daemon\'s counters and gauges on 127.0.0.1 only', async () => {
    const text = await fleet.waitFor(async () => {
      const t = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
      return metric(t, 'slm_heartbeat_lag_seconds_count') >= 4 && metric(t, 'slm_sync_pulls_total') >= 1 ? t : null
    }, { timeoutMs: 30_000, intervalMs: 500, what: 'heartbeats and a sync pull counted' })
    expect(metric(text, 'slm_messages_in_total', 'kind="heartbeat"')).toBeGreaterThan(0)
    expect(metric(text, 'slm_messages_out_total', 'kind="heartbeat"')).toBeGreaterThan(0)
    expect(metric(text, 'slm_peers')).toBe(2)
    expect(metric(text, 'slm_store_bytes')).toBeGreaterThan(0)
    expect(metric(text, 'slm_heartbeat_lag_seconds_sum')).toBeGreaterThanOrEqual(0)
    expect(text).toMatch(/process_resident_memory_bytes/)
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404)
  })
})
