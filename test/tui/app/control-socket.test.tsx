/**
 * The TUI against the real control client and server over a Unix socket (handlers answer from a
 * fake fleet): the client satisfies FleetSource, live pushes reach the screen, and stopping the
 * server shows the banner until a new server on the same socket is reached.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cleanup } from 'ink-testing-library'
import { afterEach, describe, expect, it } from 'vitest'
import type { ReplicaChange } from '../../../protocol/control.js'
import { ControlClient, createControlServer, type ControlServer } from '../../../node/control/index.js'
import type { FleetSource } from '../../../tui/source.js'
import { FakeSource } from '../helpers/fake-source.js'
import { mount } from '../helpers/harness.js'
import { makeFleet } from '../helpers/fixtures.js'

// Compile-time proof that the real client is a FleetSource.
const asSource = (c: ControlClient): FleetSource => c

const dirs: string[] = []
const servers: ControlServer[] = []
afterEach(async () => {
  cleanup()
  for (const s of servers.splice(0)) await s.stop()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function serve (socketPath: string, fake: FakeSource, listeners: Set<(c: ReplicaChange) => void>): ControlServer {
  const handlers = Object.fromEntries(['status', 'nodes', 'node', 'history', 'roles', 'results', 'code.log', 'code.status', 'submit']
    .map((m) => [m, async (p: Record<string, unknown>) => await fake.call(m, p)]))
  const server = createControlServer({ socketPath }, {
    handlers,
    subscribe: (onChange) => { listeners.add(onChange); return () => { listeners.delete(onChange) } }
  })
  servers.push(server)
  return server
}

describe('TUI over the real control socket', () => {
  it('renders the fleet, follows pushes, and reconnects after the daemon restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slm-tui-'))
    dirs.push(dir)
    const socketPath = join(dir, 'control.sock')
    const fleet = makeFleet(5)
    const fake = new FakeSource(fleet)
    const listeners = new Set<(c: ReplicaChange) => void>()
    const push = (c: Partial<ReplicaChange> & Pick<ReplicaChange, 'kind' | 'origin' | 'type'>): void => {
      for (const l of listeners) l({ receivedAt: Date.now(), seq: null, ...c })
    }
    let server = serve(socketPath, fake, listeners)
    await server.start()

    const t = await mount(fleet, { connect: async () => asSource(await ControlClient.connect(socketPath, 500)) })
    await t.waitFor('n0004')
    await t.eventually(() => { expect(t.frame()).toContain('5 nodes') })

    fleet.nodes[3].state = 'maintenance_offline'
    push({ kind: 'event', origin: fleet.nodes[3].id, type: 'transition', event: { v: 1, origin: fleet.nodes[3].id, seq: 9, hlc: '000000000000009-000000', type: 'transition', body: { from: 'degraded', to: 'maintenance_offline', trigger: 'operator' }, sig: 'x' } })
    await t.waitFor(/n0003\s+maint\.offline/)

    await server.stop()
    await t.waitFor('DISCONNECTED')
    fleet.nodes[4].state = 'error'
    server = serve(socketPath, fake, listeners)
    await server.start()
    await t.waitFor(/n0004\s+error/, 5000)
    await t.eventually(() => { expect(t.frame()).not.toContain('DISCONNECTED') })
  })
})
