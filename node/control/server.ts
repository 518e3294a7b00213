/**
 * The daemon's end of the control socket: a Unix socket in the state dir, mode 0660, serving
 * newline-delimited JSON requests to the handlers the daemon registers.
 */
import { chmodSync, existsSync, unlinkSync } from 'node:fs'
import { createServer, connect, type Server, type Socket } from 'node:net'
import type { ControlRequest, ReplicaChange } from '../../protocol/control.js'
import { SlmError } from '../../protocol/errors.js'
import { readLines, writeLine } from './framing.js'

export type ControlHandler = (params: Record<string, unknown>) => Promise<unknown> | unknown

export interface ControlServerInit {
  socketPath: string
}

export interface ControlServerComponents {
  handlers: Partial<Record<string, ControlHandler>>
  /** Registers a change listener; returns the function that removes it. */
  subscribe: (onChange: (c: ReplicaChange) => void) => () => void
  onRejected?: (reason: string) => void
}

export interface ControlServer {
  start: () => Promise<void>
  stop: () => Promise<void>
}

/** Fails start if another live daemon already owns the socket; removes a stale one. */
async function clearStaleSocket (path: string): Promise<void> {
  if (!existsSync(path)) return
  const alive = await new Promise<boolean>((resolve) => {
    const s = connect(path)
    s.once('connect', () => { s.destroy(); resolve(true) })
    s.once('error', () => { resolve(false) })
  })
  if (alive) throw new SlmError('ERR_ALREADY_RUNNING', `another slm daemon is already serving ${path}`)
  unlinkSync(path)
}

export function createControlServer (init: ControlServerInit, components: ControlServerComponents): ControlServer {
  let server: Server | undefined
  const sockets = new Set<Socket>()

  function serve (socket: Socket): void {
    sockets.add(socket)
    const streams = new Map<number, () => void>()
    const cleanup = (): void => {
      for (const off of streams.values()) off()
      streams.clear()
      sockets.delete(socket)
    }
    socket.on('close', cleanup)
    socket.on('error', () => { socket.destroy() })
    readLines(socket, {
      onOversize: () => {
        components.onRejected?.('control_oversize')
        socket.destroy()
      },
      onLine: (line) => {
        let req: ControlRequest
        try {
          req = JSON.parse(line)
          if (typeof req !== 'object' || req == null || typeof req.id !== 'number' || typeof req.method !== 'string') throw new Error('not a request')
        } catch {
          components.onRejected?.('control_malformed')
          writeLine(socket, { id: -1, ok: false, error: { code: 'ERR_BAD_REQUEST', message: 'malformed control request: expected one JSON object {id, method, params} per line' } })
          return
        }
        void dispatch(socket, req, streams)
      }
    })
  }

  async function dispatch (socket: Socket, req: ControlRequest, streams: Map<number, () => void>): Promise<void> {
    const params = (typeof req.params === 'object' && req.params != null) ? req.params : {}
    if (req.method === 'subscribe') {
      // Kinds the client will not read (e.g. every heartbeat of a large fleet) are not sent at all.
      const skip = new Set(Array.isArray(params.skipKinds) ? params.skipKinds.filter((k): k is string => typeof k === 'string') : [])
      const off = components.subscribe((change) => {
        if (skip.has(change.kind)) return
        // A client that stops reading must not grow our memory without bound.
        if (socket.writableLength > 16 * 1024 * 1024) { socket.destroy(); return }
        writeLine(socket, { id: req.id, push: change })
      })
      streams.set(req.id, off)
      writeLine(socket, { id: req.id, ok: true, result: { stream: req.id } })
      return
    }
    if (req.method === ('unsubscribe' as string)) {
      const stream = Number(params.stream)
      streams.get(stream)?.()
      streams.delete(stream)
      writeLine(socket, { id: req.id, ok: true, result: null })
      return
    }
    const handler = components.handlers[req.method]
    if (handler == null) {
      writeLine(socket, { id: req.id, ok: false, error: { code: 'ERR_UNKNOWN_METHOD', message: `unknown control method '${req.method}'` } })
      return
    }
    try {
      const result = await handler(params)
      writeLine(socket, { id: req.id, ok: true, result: result ?? null })
    } catch (err: any) {
      const code = typeof err?.code === 'string' ? err.code : 'ERR_INTERNAL'
      writeLine(socket, { id: req.id, ok: false, error: { code, message: String(err?.message ?? err) } })
    }
  }

  return {
    async start () {
      await clearStaleSocket(init.socketPath)
      server = createServer(serve)
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject)
        server!.listen(init.socketPath, () => { resolve() })
      })
      chmodSync(init.socketPath, 0o660)
    },
    async stop () {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => { server?.close(() => { resolve() }) ?? resolve() })
      if (existsSync(init.socketPath)) { try { unlinkSync(init.socketPath) } catch {} }
    }
  }
}
