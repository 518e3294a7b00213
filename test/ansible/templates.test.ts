/**
 * Issue 7: the slm_node templates, rendered by Ansible with the role's defaults, are valid for
 * the programs that read them: the unit for `systemd-analyze verify`, the config for the daemon's
 * own validator, the sudoers drop-in for `visudo -cf`, the polkit rule for polkit's JS API.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../node/config/index.js'
import { renderTemplates, requireTool, run, tempDir } from './helpers.js'
import { DAEMON_NODE_FLAGS } from '../../node/daemon/node-flags.js'

const TEMPLATES = {
  'slm.service.j2': 'slm.service',
  'slm.yaml.j2': 'slm.yaml',
  'polkit.rules.j2': '50-slm.rules',
  'sudoers.j2': 'sudoers'
}

let work: string
let fakeNode: string
let repo: string

/** Three fleet hosts (documentation addresses, never contacted), build-1 is the code source. */
function inventory (extra: Record<string, unknown> = {}): unknown {
  return {
    all: {
      vars: {
        ansible_connection: 'local',
        ansible_python_interpreter: '/usr/bin/python3',
        // systemd-analyze verify checks that ExecStart's program exists and is executable.
        slm_node_executable: fakeNode,
        slm_install_prefix: '/opt/slm',
        ...extra
      },
      children: {
        fleet: {
          hosts: {
            'web-1': { ansible_host: '192.0.2.11', slm_tags: ['frontend', 'rack-a'], slm_restartable_units: ['nginx', 'worker@1.service'] },
            'cache-1': { ansible_host: '192.0.2.12', slm_port: 7000 },
            'build-1': { ansible_host: '2001:db8::13' }
          }
        },
        code_source: { hosts: { 'build-1': {} }, vars: { slm_code_source_repo: repo } }
      }
    }
  }
}

const rendered = new Map<string, Promise<string>>()

/** Renders all templates for `host` once per variation (each render is a playbook run). */
async function render (host: string, extra: Record<string, unknown> = {}): Promise<string> {
  const outDir = join(work, `${host}-${Object.keys(extra).join('-') || 'defaults'}`)
  let done = rendered.get(outDir)
  if (done == null) {
    done = (async () => {
      mkdirSync(outDir, { recursive: true })
      const r = await renderTemplates({ inventory: inventory(extra), host, templates: TEMPLATES, outDir })
      if (r.code !== 0) throw new Error(`rendering for ${host} failed:\n${r.stdout}${r.stderr}`)
      return outDir
    })()
    rendered.set(outDir, done)
  }
  return await done
}

/** The rendered config as the daemon loads it: defaults, then this file (env ignored). */
function load (outDir: string): ReturnType<typeof loadConfig> {
  return loadConfig({ file: join(outDir, 'slm.yaml'), env: {} })
}

async function verifyUnit (unitFile: string): Promise<void> {
  const r = await run(requireTool('systemd-analyze'), ['verify', unitFile])
  const diagnostics = (r.stdout + r.stderr).split('\n').filter((l) => l.includes('slm.service'))
  expect({ code: r.code, diagnostics }).toEqual({ code: 0, diagnostics: [] })
}

function directives (unit: string): string[] {
  return unit.split('\n').filter((l) => /^[A-Z]\w+=/.test(l))
}

beforeAll(() => {
  requireTool('ansible-playbook')
  work = tempDir('templates')
  fakeNode = join(work, 'node')
  writeFileSync(fakeNode, '#!/bin/sh\nexit 0\n')
  chmodSync(fakeNode, 0o755)
  repo = join(work, 'code')
  mkdirSync(repo)
})

describe('the slm systemd unit', () => {
  it('passes systemd-analyze verify and carries the hardening issue 7 asks for', async () => {
    const out = await render('web-1')
    const unitFile = join(out, 'slm.service')
    await verifyUnit(unitFile)
    const lines = directives(readFileSync(unitFile, 'utf8'))
    for (const d of [
      'Type=notify', 'NotifyAccess=all', 'Restart=always', 'User=slm', 'Group=slm', 'StateDirectory=slm',
      'NoNewPrivileges=true', 'ProtectSystem=strict', 'ProtectHome=read-only', 'PrivateTmp=true',
      // The unit's default flags are the ones every daemon of the tests and the demo runs with.
      `ExecStart=${fakeNode} ${DAEMON_NODE_FLAGS.join(' ')} /opt/slm/lib/node_modules/slm/dist/node/cli/main.js daemon --dir /var/lib/slm --config /etc/slm/slm.yaml`
    ]) expect(lines).toContain(d)
    // V8's JIT needs W+X memory: MemoryDenyWriteExecute crashes Node (PITFALLS, systemd).
    expect(lines.some((l) => l.startsWith('MemoryDenyWriteExecute'))).toBe(false)
    expect(lines.some((l) => l.startsWith('ReadWritePaths'))).toBe(false)
  })

  it('makes the code-source repo writable under ProtectSystem=strict', async () => {
    const out = await render('build-1')
    await verifyUnit(join(out, 'slm.service'))
    expect(directives(readFileSync(join(out, 'slm.service'), 'utf8'))).toContain(`ReadWritePaths=${repo}`)
  })

  it('uses ReadWritePaths instead of StateDirectory for a state dir outside /var/lib', async () => {
    const state = join(work, 'state')
    mkdirSync(state)
    const out = await render('cache-1', { slm_state_dir: state })
    await verifyUnit(join(out, 'slm.service'))
    const lines = directives(readFileSync(join(out, 'slm.service'), 'utf8'))
    expect(lines).toContain(`ReadWritePaths=${state}`)
    expect(lines.some((l) => l.startsWith('StateDirectory'))).toBe(false)
  })
})

describe('the daemon config', () => {
  it('is accepted by the daemon\'s validator and bootstraps from the other fleet members', async () => {
    const out = await render('web-1')
    const config = load(out)
    expect(config.name).toBe('web-1')
    expect(config.listen).toEqual(['/ip4/0.0.0.0/tcp/7946'])
    expect(config.bootstrap).toEqual(['192.0.2.12:7000', '/ip6/2001:db8::13/tcp/7946'])
    expect(config.tags).toEqual(['frontend', 'rack-a'])
    expect(config.fleetKeyFile).toBe('/var/lib/slm/fleet.key')
    expect(config.codeSource.repo).toBeNull()
  })

  it('names the repo on a code_source host', async () => {
    const out = await render('build-1')
    const config = load(out)
    expect(config.codeSource.repo).toBe(repo)
    expect(config.bootstrap).toEqual(['192.0.2.11:7946', '192.0.2.12:7000'])
  })

  it('merges slm_config_extra and lets slm_bootstrap_peers replace the computed peers', async () => {
    const out = await render('web-1', {
      slm_config_extra: { syncIntervalMs: 10_000, thresholds: { disk: 95 } },
      slm_bootstrap_peers: ['/dns4/seed.example/tcp/7946']
    })
    const config = load(out)
    expect(config.syncIntervalMs).toBe(10_000)
    expect(config.bootstrap).toEqual(['/dns4/seed.example/tcp/7946'])
    expect(config.thresholds).toEqual({ cpu: 90, memory: 90, disk: 95 })
  })
})

describe('the restart grant', () => {
  it('sudoers drop-in passes visudo -cf and names exactly the roles\' units', async () => {
    const out = await render('web-1')
    const file = join(out, 'sudoers')
    const r = await run(requireTool('visudo'), ['-cf', file])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    const rules = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'))
    expect(rules).toEqual([
      'slm ALL=(root) NOPASSWD: /usr/bin/systemctl restart nginx.service',
      'slm ALL=(root) NOPASSWD: /usr/bin/systemctl restart worker@1.service'
    ])
  })

  it('polkit rule allows the slm user to restart those units and nothing else', async () => {
    const out = await render('web-1')
    const source = readFileSync(join(out, '50-slm.rules'), 'utf8')
    const Result = { YES: 'yes', NOT_HANDLED: 'not_handled' }
    let rule: ((action: unknown, subject: unknown) => unknown) | undefined
    const polkit = { Result, addRule: (fn: typeof rule) => { rule = fn } }
    new Function('polkit', source)(polkit) // eslint-disable-line no-new-func
    const ask = (user: string, verb: string, unit: string, id = 'org.freedesktop.systemd1.manage-units'): unknown =>
      rule?.({ id, lookup: (k: string) => ({ verb, unit } as Record<string, string>)[k] }, { user })
    expect(ask('slm', 'restart', 'nginx.service')).toBe(Result.YES)
    expect(ask('slm', 'restart', 'worker@1.service')).toBe(Result.YES)
    expect(ask('slm', 'stop', 'nginx.service')).toBe(Result.NOT_HANDLED)
    expect(ask('slm', 'restart', 'sshd.service')).toBe(Result.NOT_HANDLED)
    expect(ask('mallory', 'restart', 'nginx.service')).toBe(Result.NOT_HANDLED)
    expect(ask('slm', 'restart', 'nginx.service', 'org.freedesktop.systemd1.manage-unit-files')).toBe(Result.NOT_HANDLED)
  })
})
