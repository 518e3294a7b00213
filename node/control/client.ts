/**
 * The control-socket client: the only way the CLI and the TUI talk to a daemon.
 */
import { connect, type Socket } from 'node:net'
import type { ControlMethod, ControlResponse, ReplicaChange } from '../../protocol/control.js'
import { ControlCallError, ControlClosedError, DaemonNotRunningError } from './errors.js'
import { readLines, writeLine } from './framing.js'

interface Pending {
  resolve: (value: unknown) => void
  reject: (err: Error) => void
}

export class ControlClient {
  private readonly socket: Socket
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private readonly streams = new Map<number, (c: ReplicaChange) => void>()
  private readonly closeListeners: Array<() => void> = []
  private closed = false

  private constructor (socket: Socket) {
    this.socket = socket
    readLines(socket, {
      onLine: (line) => { this.onLine(line) },
      onOversize: () => { socket.destroy() }
    })
    socket.on('close', () => { this.handleClose() })
    socket.on('error', () => { /* surfaced through 'close' */ })
  }

  static async connect (socketPath: string, timeoutMs = 5000): Promise<ControlClient> {
    return await new Promise((resolve, reject) => {
      const socket = connect(socketPath)
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new DaemonNotRunningError(socketPath, new Error('connect timed out')))
      }, timeoutMs)
      socket.once('connect', () => {
        clearTimeout(timer)
        resolve(new ControlClient(socket))
      })
      socket.once('error', (err) => {
        clearTimeout(timer)
        reject(new DaemonNotRunningError(socketPath, err))
      })
    })
  }

  async call<T = unknown> (method: ControlMethod, params: Record<string, unknown> = {}): Promise<T> {
    if (this.closed) throw new ControlClosedError()
    const id = this.nextId++
    return await new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      writeLine(this.socket, { id, method, params })
    })
  }

  /**
   * Streams every replica change the daemon stores; resolves to an unsubscribe function once the
   * daemon has acknowledged. `params.skipKinds` (e.g. `['heartbeat']`): kinds the daemon does not send.
   */
  async subscribe (onChange: (c: ReplicaChange) => void, params: Record<string, unknown> = {}): Promise<() => void> {
    if (this.closed) throw new ControlClosedError()
    const id = this.nextId++
    this.streams.set(id, onChange)
    await new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve: () => { resolve() }, reject })
      writeLine(this.socket, { id, method: 'subscribe', params })
    })
    return () => {
      this.streams.delete(id)
      writeLine(this.socket, { id: this.nextId++, method: 'unsubscribe', params: { stream: id } })
    }
  }

  onClose (cb: () => void): void {
    if (this.closed) { cb(); return }
    this.closeListeners.push(cb)
  }

  close (): void {
    this.socket.end()
    this.socket.destroy()
  }

  private onLine (line: string): void {
    let msg: ControlResponse | { id: number; push: ReplicaChange }
    try {
      msg = JSON.parse(line)
    } catch {
      return // a daemon never sends bad JSON; ignore rather than crash the client
    }
    if ('push' in msg) {
      this.streams.get(msg.id)?.(msg.push)
      return
    }
    const p = this.pending.get(msg.id)
    if (p == null) return
    this.pending.delete(msg.id)
    if (msg.ok) p.resolve(msg.result)
    else p.reject(new ControlCallError(msg.error.code, msg.error.message))
  }

  private handleClose (): void {
    if (this.closed) return
    this.closed = true
    for (const p of this.pending.values()) p.reject(new ControlClosedError())
    this.pending.clear()
    this.streams.clear()
    for (const cb of this.closeListeners) cb()
  }
}
