import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import { generateOperatorKey } from '../../protocol/sign.js'
import { runTui } from '../../tui/index.js'
import { FakeSource } from './helpers/fake-source.js'
import { makeFleet } from './helpers/fixtures.js'

class Stdout extends EventEmitter {
  columns = 100
  rows = 30
  isTTY = false
  out = ''
  // Ink waits for write callbacks before `waitUntilExit` settles.
  write = (s: string, cb?: () => void): boolean => { this.out += s; cb?.(); return true }
}

class Stdin extends EventEmitter {
  isTTY = true
  private data: string | null = null
  press (s: string): void { this.data = s; this.emit('readable'); this.emit('data', s) }
  read = (): string | null => { const d = this.data; this.data = null; return d }
  setEncoding (): void {}
  setRawMode (): void {}
  resume (): void {}
  pause (): void {}
  ref (): void {}
  unref (): void {}
}

describe('runTui', () => {
  it('resolves when the user quits and closes the connection', { timeout: 10_000 }, async () => {
    const source = new FakeSource(makeFleet(3))
    const stdin = new Stdin()
    const stdout = new Stdout()
    const done = runTui({
      connect: async () => source,
      operatorKeyPem: generateOperatorKey().privateKeyPem,
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      // vitest's console cannot be patched; the CLI keeps the default.
      patchConsole: false
    })
    await vi.waitFor(() => { expect(source.subscribers).toBe(1) })
    stdin.press('q')
    await done
    expect(source.closed).toBe(true)
    // A non-TTY stdout gets the last frame only (Ink's non-interactive mode).
    expect(stdout.out).toContain('n0002')
    expect(stdout.out).not.toContain('READ-ONLY')
  })
})
