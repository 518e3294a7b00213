/**
 * Holds one live `FleetSource`, and when it goes away (daemon stopped or restarted) keeps calling
 * `connect` with exponential backoff until a new one answers. The view shows a banner meanwhile.
 */
import { useEffect, useState } from 'react'
import { RECONNECT_MAX_MS, RECONNECT_MIN_MS } from '../constants.js'
import type { ConnectFleet, FleetSource } from '../source.js'

export interface Connection {
  readonly source: FleetSource | null
  /** 'connecting' before the first success, 'lost' after a disconnect until reconnected. */
  readonly phase: 'connecting' | 'connected' | 'lost'
  /** Failed attempts since the last success. */
  readonly attempts: number
  readonly error: string | null
  /** When the next attempt runs (ms since epoch), if one is scheduled. */
  readonly retryAt: number | null
}

export interface ConnectionOptions {
  /** @default RECONNECT_MIN_MS */
  readonly minMs?: number
  /** @default RECONNECT_MAX_MS */
  readonly maxMs?: number
}

export function useConnection (connect: ConnectFleet, opts: ConnectionOptions = {}): Connection {
  const [conn, setConn] = useState<Connection>({ source: null, phase: 'connecting', attempts: 0, error: null, retryAt: null })
  const minMs = opts.minMs ?? RECONNECT_MIN_MS
  const maxMs = opts.maxMs ?? RECONNECT_MAX_MS

  useEffect(() => {
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    let current: FleetSource | null = null
    let everConnected = false
    let attempts = 0

    const retry = (error: string): void => {
      if (stopped) return
      const delay = Math.min(maxMs, minMs * 2 ** Math.min(attempts, 16))
      attempts++
      setConn({ source: null, phase: everConnected ? 'lost' : 'connecting', attempts, error, retryAt: Date.now() + delay })
      timer = setTimeout(() => { void attempt() }, delay)
    }

    const attempt = async (): Promise<void> => {
      let source: FleetSource
      try {
        source = await connect()
      } catch (err: any) {
        retry(String(err?.message ?? err))
        return
      }
      if (stopped) { source.close(); return }
      current = source
      everConnected = true
      attempts = 0
      setConn({ source, phase: 'connected', attempts: 0, error: null, retryAt: null })
      source.onClose(() => {
        if (current !== source) return
        current = null
        retry('connection to the daemon closed')
      })
    }

    void attempt()
    return () => {
      stopped = true
      if (timer != null) clearTimeout(timer)
      const s = current
      current = null
      s?.close()
    }
  }, [connect, minMs, maxMs])

  return conn
}
