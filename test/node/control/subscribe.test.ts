/**
 * The control socket's change stream, real client and server over a Unix socket: a subscriber
 * that names kinds to skip is never sent them (a large fleet's heartbeats cost a write and a
 * wake-up per subscriber otherwise); one that names none gets everything.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ControlClient, createControlServer, type ControlServer } from '../../../node/control/index.js'
import type { ReplicaChange } from '../../../protocol/control.js'
import { waitFor } from '../../helpers/index.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c() })

async function setUp (): Promise<{ push: (c: ReplicaChange) => void, socketPath: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'slm-ctl-'))
  cleanups.push(() => { rmSync(dir, { recursive: true, force: true }) })
  const listeners = new Set<(c: ReplicaChange) => void>()
  const socketPath = join(dir, 'control.sock')
  const server: ControlServer = createControlServer({ socketPath }, {
    handlers: {},
    subscribe: (fn) => { listeners.add(fn); return () => { listeners.delete(fn) } }
  })
  await server.start()
  cleanups.push(async () => { await server.stop() })
  return { socketPath, push: (c) => { for (const l of listeners) l(c) } }
}

const change = (kind: ReplicaChange['kind'], seq: number): ReplicaChange =>
  ({ receivedAt: Date.now(), kind, origin: 'n1', seq, type: kind }) as ReplicaChange

describe('control socket subscribe', () => {
  it('skipKinds leaves those kinds out at the daemon; no skipKinds sends every kind', async () => {
    const { socketPath, push } = await setUp()
    const picky = await ControlClient.connect(socketPath)
    const all = await ControlClient.connect(socketPath)
    cleanups.push(() => { picky.close(); all.close() })
    const gotPicky: string[] = []
    const gotAll: string[] = []
    await picky.subscribe((c) => { gotPicky.push(c.kind) }, { skipKinds: ['heartbeat', 'liveness'] })
    await all.subscribe((c) => { gotAll.push(c.kind) })
    push(change('heartbeat', 1))
    push(change('liveness', 2))
    push(change('event', 3))
    await waitFor(() => gotAll.length === 3 && gotPicky.length === 1, { timeoutMs: 5000, what: 'the pushes' })
    expect(gotAll).toEqual(['heartbeat', 'liveness', 'event'])
    expect(gotPicky).toEqual(['event'])
  })
})
