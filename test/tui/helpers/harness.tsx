/**
 * Mounts the App on ink-testing-library with a fake source and gives tests keys by name.
 */
import { render } from 'ink-testing-library'
import { vi } from 'vitest'
import { App } from '../../../tui/app.js'
import type { CommandSigner } from '../../../tui/commands/build.js'
import type { ConnectFleet } from '../../../tui/source.js'
import { FakeSource, type FakeFleet } from './fake-source.js'

export const KEYS = {
  up: '\u001b[A',
  down: '\u001b[B',
  pgup: '\u001b[5~',
  pgdn: '\u001b[6~',
  enter: '\r',
  esc: '\u001b',
  tab: '\t',
  backspace: '\u007f',
  ctrlD: '\u0004',
  ctrlC: '\u0003'
} as const

export interface MountOptions {
  readonly signer?: CommandSigner
  readonly columns?: number
  readonly rows?: number
  readonly connect?: ConnectFleet
}

export async function tick (ms = 5): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

export async function mount (fleet: FakeFleet, opts: MountOptions = {}) {
  const source = new FakeSource(fleet)
  const connect = opts.connect ?? (async () => source)
  const onExit = vi.fn()
  const r = render(
    <App
      connect={connect}
      signer={opts.signer}
      size={{ columns: opts.columns ?? 100, rows: opts.rows ?? 24 }}
      tickMs={0}
      store={{ refetchMs: 20, flushMs: 1 }}
      reconnect={{ minMs: 10, maxMs: 40 }}
      onExit={onExit}
    />
  )
  const frame = (): string => r.lastFrame() ?? ''
  const press = async (...keys: string[]): Promise<void> => {
    for (const k of keys) {
      r.stdin.write(k)
      // Ink holds a lone ESC for 20 ms in case an escape sequence follows.
      await tick(k === KEYS.esc ? 30 : 5)
    }
  }
  /** Types text one character at a time, as a person would. */
  const type = async (text: string): Promise<void> => { await press(...text.split('')) }
  const waitFor = async (text: string | RegExp, timeout = 2000): Promise<void> => {
    await vi.waitFor(() => {
      const f = frame()
      if (typeof text === 'string' ? !f.includes(text) : !text.test(f)) throw new Error(`"${String(text)}" not on screen:\n${f}`)
    }, { timeout, interval: 5 })
  }
  /** Retries an assertion about the screen until it holds (frames land asynchronously). */
  const eventually = async (check: () => void, timeout = 2000): Promise<void> => {
    await vi.waitFor(check, { timeout, interval: 5 })
  }
  /** Names of the fleet rows on screen, top to bottom. */
  const rowNames = (): string[] => [...frame().matchAll(/^(?:● |  )(n\d{4})/gm)].map((m) => m[1])
  return { r, source, frame, press, type, waitFor, eventually, rowNames, onExit, unmount: () => { r.unmount() } }
}
