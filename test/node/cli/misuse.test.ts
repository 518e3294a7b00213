/**
 * Issue 3: bad config and CLI misuse give one clear error and the documented exit code (2 usage,
 * 1 failed) — never a stack trace, never a daemon half started. Real `slm` subprocesses.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { slm } from '../../helpers/index.js'

let dir: string
let work: string
const config = (name: string, text: string): string => {
  const f = join(work, name)
  writeFileSync(f, text)
  return f
}
/** One line on stderr, no stack trace. */
const oneLine = (stderr: string): string => {
  const lines = stderr.trim().split('\n')
  expect(lines, stderr).toHaveLength(1)
  expect(stderr).not.toMatch(/\n\s+at /)
  return lines[0]
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'slm-misuse-'))
  dir = join(work, 'state')
  expect((await slm(['init', '--new-fleet', '--name', 'm1'], { dir })).code).toBe(0)
})

describe('slm daemon with a bad config exits 2 naming the key', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['a wrong type', 'heartbeatIntervalMs: fast\n', /heartbeatIntervalMs/],
    ['an unknown key', 'heartbeatIntervalMs: 1000\nhartbeat: 5\n', /hartbeat/],
    ['a nested bad value', 'thresholds:\n  cpu: 250\n', /thresholds\.cpu/],
    ['a bad listen address', 'listen: [not-a-multiaddr]\n', /listen/],
    ['malformed YAML', 'thresholds: [cpu: 1\n', /yaml|YAML|parse/]
  ]
  for (const [what, text, key] of cases) {
    it(what, async () => {
      const r = await slm(['daemon', '--config', config(`${what.replace(/\W/g, '-')}.yaml`, text)], { dir, timeoutMs: 20_000 })
      expect(r.code, r.stderr).toBe(2)
      expect(oneLine(r.stderr)).toMatch(key)
    })
  }

  it('a missing config file given explicitly', async () => {
    const r = await slm(['daemon', '--config', join(work, 'nope.yaml')], { dir })
    expect(r.code).toBe(2)
    expect(oneLine(r.stderr)).toMatch(/nope\.yaml/)
  })

  it('a bad env value names its key', async () => {
    const r = await slm(['daemon', '--config', config('ok.yaml', '{}\n')], { dir, env: { SLM_HEARTBEAT_INTERVAL_MS: 'soon' } })
    expect(r.code).toBe(2)
    expect(oneLine(r.stderr)).toMatch(/heartbeatIntervalMs|SLM_HEARTBEAT_INTERVAL_MS/)
  })

  it('a bad flag value', async () => {
    const r = await slm(['daemon', '--config', config('ok.yaml', '{}\n'), '--heartbeat-interval', 'soon'], { dir })
    expect(r.code).toBe(2)
    expect(oneLine(r.stderr)).toMatch(/--heartbeat-interval/)
  })
})

describe('the CLI without a daemon, and with wrong arguments', () => {
  for (const args of [['status'], ['nodes'], ['node', 'show', 'm1'], ['events', '--follow']]) {
    it(`slm ${args.join(' ')} with no daemon running: exit 1, one line`, async () => {
      const r = await slm(args, { dir })
      expect(r.code).toBe(1)
      expect(oneLine(r.stderr)).toMatch(/daemon/i)
    })
  }

  const usage: string[][] = [
    ['nodes', '--state', 'sleeping'],
    ['node', 'history', 'm1', '--limit', '500'],
    ['node', 'history', 'm1', '--offset', '-1'],
    ['admit'],
    ['maintenance', 'enter', 'm1', '--type', 'lunch'],
    ['code', 'sync', '--role', 'web'],
    ['code', 'sync', '--role', 'web', '--commit', 'abc', '--strategy', 'yolo'],
    ['status', '--bogus']
  ]
  for (const args of usage) {
    it(`slm ${args.join(' ')}: exit 2, one line`, async () => {
      const r = await slm(args, { dir })
      expect(r.code, r.stderr).toBe(2)
      oneLine(r.stderr)
    })
  }
})
