import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../node/config/index.js'

function file (text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'slm-cfg-')), 'slm.yaml')
  writeFileSync(p, text)
  return p
}

describe('daemon configuration', () => {
  it('merges defaults, file, env and flags with flags winning', () => {
    const cfg = loadConfig({ file: file('name: fromfile\nheartbeatIntervalMs: 2000\ntags: [a]\n'), env: { SLM_HEARTBEAT_INTERVAL_MS: '3000' }, flags: { dir: '/tmp/x', tags: ['b'] } })
    expect(cfg.name).toBe('fromfile')
    expect(cfg.heartbeatIntervalMs).toBe(3000)
    expect(cfg.tags).toEqual(['b'])
    expect(cfg.fleetKeyFile).toBe('/tmp/x/fleet.key')
    expect(cfg.thresholds.cpu).toBe(90)
  })

  const bad: Array<[string, string]> = [
    ['heartbeatIntervalMs: fast\n', 'heartbeatIntervalMs'],
    ['thresholds: { cpu: 150 }\n', 'thresholds.cpu'],
    ['bogus: 1\n', 'bogus'],
    ['listen: []\n', 'listen'],
    ['unreachableMultiplier: 2\nsuspectMultiplier: 3\n', 'unreachableMultiplier'],
    ['log: { level: loud }\n', 'log.level'],
    ['gossipRepairAfterMs: 500\n', 'gossipRepairAfterMs']
  ]
  for (const [text, key] of bad) {
    it(`names the bad key '${key}'`, () => {
      let err: any
      try { loadConfig({ file: file(text), env: {}, flags: { dir: '/tmp/x' } }) } catch (e) { err = e }
      expect(err?.code).toBe('ERR_CONFIG')
      expect(err?.key).toBe(key)
    })
  }

  it('gossipRepairAfterMs: a minute by default, 0 turns the repair off', () => {
    expect(loadConfig({ env: {}, flags: { dir: '/tmp/x' } }).gossipRepairAfterMs).toBe(60_000)
    expect(loadConfig({ file: file('gossipRepairAfterMs: 0\n'), env: {}, flags: { dir: '/tmp/x' } }).gossipRepairAfterMs).toBe(0)
  })

  it('an explicit config file that is missing is an error', () => {
    expect(() => loadConfig({ file: '/nonexistent/slm.yaml', env: {} })).toThrow(/cannot read/)
  })

  it('a file that is not YAML is an error', () => {
    expect(() => loadConfig({ file: file('a: [\n'), env: {} })).toThrow(/not valid YAML/)
  })
})
