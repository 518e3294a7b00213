import { describe, expect, it, vi } from 'vitest'
import { FleetStore } from '../../../tui/state/fleet-store.js'
import { FakeSource } from '../helpers/fake-source.js'
import { makeFleet, makeNode } from '../helpers/fixtures.js'

async function attached (size = 5, refetchMs = 30) {
  const source = new FakeSource(makeFleet(size))
  const store = new FleetStore({ refetchMs, flushMs: 1 })
  await store.attach(source)
  return { source, store }
}

const count = (source: FakeSource, method: string): number => source.calls.filter((c) => c.method === method).length

describe('FleetStore', () => {
  it('subscribes, then loads status, nodes and roles', async () => {
    const { source, store } = await attached()
    const data = store.getSnapshot()
    expect(source.subscribers).toBe(1)
    expect(data.loaded).toBe(true)
    expect(data.nodes).toHaveLength(5)
    expect(data.roles.length).toBeGreaterThan(0)
    expect(data.status?.nodes).toBe(5)
    store.stop()
  })

  it('patches a heartbeat in place without a refetch', async () => {
    const { source, store } = await attached()
    const id = source.fleet.nodes[1].id
    const before = count(source, 'nodes')
    const health = { ...source.fleet.nodes[1].health!, cpuPercent: 99 }
    source.push({ kind: 'heartbeat', origin: id, type: 'heartbeat', value: { health, state: 'online', versions: {} }, receivedAt: 42 })
    await vi.waitFor(() => { expect(store.getSnapshot().nodes[1].health?.cpuPercent).toBe(99) })
    expect(store.getSnapshot().nodes[1].lastHeartbeat).toBe(42)
    expect(store.getSnapshot().heartbeats).toBe(1)
    expect(store.getSnapshot().events).toHaveLength(0)
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(count(source, 'nodes')).toBe(before)
    store.stop()
  })

  it('shows a transition at once, marks the row, and refetches to confirm', async () => {
    const { source, store } = await attached()
    const id = source.fleet.nodes[0].id
    source.pushTransition(id, 'online', 'maintenance_planned')
    await vi.waitFor(() => { expect(store.getSnapshot().nodes[0].state).toBe('maintenance_planned') })
    expect(store.getSnapshot().changed.get(id)?.kind).toBe('state')
    expect(store.getSnapshot().events).toHaveLength(1)
    await vi.waitFor(() => { expect(count(source, 'nodes')).toBe(2) })
    store.stop()
  })

  it('coalesces a burst of changes into few refetches', async () => {
    const { source, store } = await attached(5, 100)
    for (let i = 0; i < 200; i++) source.push({ kind: 'register', origin: 'x', type: 'role', key: `role/r${i}` })
    await new Promise((resolve) => setTimeout(resolve, 250))
    // One initial load, then at most one refetch per 100 ms window.
    expect(count(source, 'nodes')).toBeLessThanOrEqual(4)
    expect(count(source, 'roles')).toBeGreaterThanOrEqual(2)
    expect(store.getSnapshot().codeVersion).toBe(200)
    store.stop()
  })

  it('records command results and marks new nodes as added', async () => {
    const { source, store } = await attached()
    const id = source.fleet.nodes[2].id
    source.push({
      kind: 'event',
      origin: id,
      type: 'command_result',
      event: { v: 1, origin: id, seq: 2, hlc: '000000000000002-000000', type: 'command_result', body: { commandId: 'C1', action: 'retire', status: 'applied' }, sig: 'x' }
    })
    source.fleet.nodes.push(makeNode(77))
    source.push({ kind: 'event', origin: makeNode(77).id, type: 'transition' })
    await vi.waitFor(() => { expect(store.getSnapshot().nodes).toHaveLength(6) })
    const data = store.getSnapshot()
    expect(data.results).toEqual([expect.objectContaining({ commandId: 'C1', nodeName: 'n0002', status: 'applied' })])
    expect(data.changed.get(makeNode(77).id)?.kind).toBe('added')
    store.stop()
  })

  it('keeps the event ring bounded', async () => {
    const source = new FakeSource(makeFleet(2))
    const store = new FleetStore({ ringSize: 10, flushMs: 1, refetchMs: 1000 })
    await store.attach(source)
    for (let i = 0; i < 50; i++) source.push({ kind: 'liveness', origin: source.fleet.nodes[0].id, type: 'liveness', liveness: i % 2 === 0 ? 'suspect' : 'alive' })
    await vi.waitFor(() => { expect(store.getSnapshot().events).toHaveLength(10) })
    expect(store.getSnapshot().nodes[0].liveness).toBe('alive')
    store.stop()
  })

  it('ignores changes from a source it has detached from', async () => {
    const { source, store } = await attached()
    store.detach()
    expect(source.subscribers).toBe(0)
    source.pushTransition(source.fleet.nodes[0].id, 'online', 'error')
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(store.getSnapshot().nodes[0].state).toBe('online')
    store.stop()
  })
})

describe('FleetStore with payload-less heartbeats (the daemon sends only the notice)', () => {
  it('refetches at most once per heartbeatRefetchMs, and a transition is not held back by it', async () => {
    const source = new FakeSource(makeFleet(3))
    const store = new FleetStore({ refetchMs: 10, heartbeatRefetchMs: 300, flushMs: 1 })
    await store.attach(source)
    const id = source.fleet.nodes[0].id
    for (let i = 0; i < 20; i++) {
      source.push({ kind: 'heartbeat', origin: id, type: 'heartbeat' })
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    expect(count(source, 'nodes')).toBe(1)
    source.pushTransition(id, 'online', 'error')
    await vi.waitFor(() => { expect(count(source, 'nodes')).toBe(2) }, { timeout: 100, interval: 2 })
    store.stop()
  })
})
