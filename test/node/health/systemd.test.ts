// systemd units: the `systemctl show` parser, and graceful `unknown` where systemd is absent.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseSystemctlShow, querySystemd } from '../../../node/health/index.js'

describe('parseSystemctlShow', () => {
  const output = [
    'Id=nginx.service', 'MainPID=1234', 'ActiveState=active', 'SubState=running', 'MemoryCurrent=7340032', 'UnitFileState=enabled',
    '',
    'Id=redis-stack-server.service', 'MainPID=0', 'ActiveState=failed', 'SubState=failed', 'MemoryCurrent=[not set]', 'UnitFileState=disabled',
    '',
    'Id=nope.service', 'MainPID=0', 'ActiveState=inactive', 'SubState=dead', 'MemoryCurrent=18446744073709551615', 'UnitFileState=',
    ''
  ].join('\n')

  it('matches blocks to the requested names by position and reads every field', () => {
    expect(parseSystemctlShow(output, ['nginx', 'redis-stack-server', 'nope'])).toEqual([
      { name: 'nginx', activeState: 'active', subState: 'running', mainPid: 1234, memoryBytes: 7340032, enabled: true },
      { name: 'redis-stack-server', activeState: 'failed', subState: 'failed', enabled: false },
      // 2^64-1 is systemd's "not set"; an empty UnitFileState says neither enabled nor disabled.
      { name: 'nope', activeState: 'inactive', subState: 'dead' }
    ])
  })

  it('reports units with no block as unknown rather than guessing', () => {
    expect(parseSystemctlShow('', ['a'])).toEqual([{ name: 'a', activeState: 'unknown', subState: 'unknown' }])
  })
})

describe('querySystemd', () => {
  let dir: string
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'slm-systemd-')) })
  afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

  it('reports unknown without forking when systemd is not PID 1', async () => {
    const snap = await querySystemd(['nginx'], { timeoutMs: 1_000, bootedMarker: join(dir, 'absent') })
    expect(snap.available).toBe(false)
    expect(snap.reason).toContain('not the init system')
    expect(snap.services).toEqual([{ name: 'nginx', activeState: 'unknown', subState: 'unknown' }])
  })

  it('reports unknown when systemctl is not installed', async () => {
    const snap = await querySystemd(['nginx', 'redis'], { timeoutMs: 1_000, bootedMarker: dir, systemctl: join(dir, 'no-systemctl') })
    expect(snap).toMatchObject({ available: false, reason: 'systemctl is not installed' })
    expect(snap.services.map(s => s.activeState)).toEqual(['unknown', 'unknown'])
  })

  it('reports unknown when systemctl fails (as on a machine not booted with systemd)', async () => {
    const fake = join(dir, 'failing-systemctl')
    await writeFile(fake, '#!/bin/sh\necho "System has not been booted with systemd as init system (PID 1). Can\'t operate." >&2\nexit 1\n')
    await chmod(fake, 0o755)
    const snap = await querySystemd(['nginx'], { timeoutMs: 1_000, bootedMarker: dir, systemctl: fake })
    expect(snap.available).toBe(false)
    expect(snap.reason).toContain('has not been booted with systemd')
  })

  it('asks one systemctl call for all units and parses its answer', async () => {
    const fake = join(dir, 'fake-systemctl')
    // Echo the argv so the test sees the one call; answer with two blocks.
    await writeFile(fake, `#!/bin/sh\necho "$@" > ${join(dir, 'argv')}\nprintf 'Id=a.service\\nActiveState=active\\nSubState=running\\nMainPID=7\\n\\nId=b.service\\nActiveState=inactive\\nSubState=dead\\n'\n`)
    await chmod(fake, 0o755)
    const snap = await querySystemd(['a', 'b'], { timeoutMs: 1_000, bootedMarker: dir, systemctl: fake })
    expect(snap.available).toBe(true)
    expect(snap.services).toEqual([
      { name: 'a', activeState: 'active', subState: 'running', mainPid: 7 },
      { name: 'b', activeState: 'inactive', subState: 'dead' }
    ])
  })

  it('asks nothing for no units', async () => {
    expect(await querySystemd([], { timeoutMs: 1_000 })).toEqual({ available: true, services: [] })
  })
})
