/**
 * In-process control-socket clients, one per node, reconnected after a restart. A chaos run asks
 * its daemons thousands of questions; one CLI process per question would load the box more than
 * the daemons do (and the scale run has 100 of them), so the harness speaks the control protocol
 * itself, the same way the CLI and the TUI do.
 */
import { join } from 'node:path'
import { ControlClient } from '../../node/control/index.js'
import { CONTROL_SOCKET_NAME, type ControlMethod } from '../../protocol/control.js'
import type { Fleet, FleetNode } from '../helpers/index.js'

export class ControlCallTimeout extends Error {
  readonly code = 'ERR_CONTROL_TIMEOUT'
  constructor (node: string, method: string, ms: number) {
    super(`${node}: control call '${method}' got no answer within ${ms} ms`)
    this.name = 'ControlCallTimeout'
  }
}

export class Controls {
  private readonly clients = new Map<string, Promise<ControlClient>>()

  private readonly fleet: Fleet

  constructor (fleet: Fleet) {
    this.fleet = fleet
  }

  /** A connected client for `name`'s daemon (cached; dropped when the socket closes). */
  async client (name: string): Promise<ControlClient> {
    let c = this.clients.get(name)
    if (c === undefined) {
      const node = this.fleet.node(name)
      c = ControlClient.connect(join(node.dir, CONTROL_SOCKET_NAME), 5000)
      this.clients.set(name, c)
      c.then((client) => { client.onClose(() => { if (this.clients.get(name) === c) this.clients.delete(name) }) },
        () => { if (this.clients.get(name) === c) this.clients.delete(name) })
    }
    return await c
  }

  /** One call with a deadline: a wedged daemon must not wedge the run. */
  async call<T = any> (name: string, method: ControlMethod, params: Record<string, unknown> = {}, timeoutMs = 15_000): Promise<T> {
    const client = await this.client(name)
    let timer: NodeJS.Timeout | undefined
    try {
      return await Promise.race([
        client.call<T>(method, params),
        new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new ControlCallTimeout(name, method, timeoutMs)) }, timeoutMs) })
      ])
    } finally {
      clearTimeout(timer)
    }
  }

  async status (name: string): Promise<any> { return await this.call(name, 'status') }

  /** Status of every running node, by name; nodes that fail to answer are left out. */
  async statuses (nodes: FleetNode[] = this.running()): Promise<Map<string, any>> {
    const out = new Map<string, any>()
    await Promise.all(nodes.map(async (n) => {
      try { out.set(n.name, await this.status(n.name)) } catch {}
    }))
    return out
  }

  running (): FleetNode[] {
    return this.fleet.nodes.filter((n) => n.child !== null)
  }

  /** Forgets a node's client (call after killing it, before the socket notices). */
  drop (name: string): void {
    const c = this.clients.get(name)
    this.clients.delete(name)
    c?.then((client) => { client.close() }, () => {})
  }

  closeAll (): void {
    for (const name of [...this.clients.keys()]) this.drop(name)
  }
}
