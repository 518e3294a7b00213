import { EventEmitter } from 'node:events'
import { render } from 'ink'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { App } from '../../../tui/app.js'
import { FakeSource } from '../helpers/fake-source.js'
import { makeFleet } from '../helpers/fixtures.js'

/** A terminal whose size can change, like a real one (ink-testing-library's is fixed at 100 columns). */
class ResizableStdout extends EventEmitter {
  columns = 80
  rows = 24
  frame = ''
  write = (f: string): boolean => { this.frame = f; return true }
  resize (columns: number, rows: number): void {
    this.columns = columns
    this.rows = rows
    this.emit('resize')
  }
}

class Stdin extends EventEmitter {
  isTTY = true
  read = (): null => null
  setEncoding (): void {}
  setRawMode (): void {}
  resume (): void {}
  pause (): void {}
  ref (): void {}
  unref (): void {}
}

let unmount: (() => void) | undefined
afterEach(() => { unmount?.() })

describe('terminal resize', () => {
  it('reflows columns and rows when the terminal is resized', async () => {
    const stdout = new ResizableStdout()
    const source = new FakeSource(makeFleet(60))
    const app = render(<App connect={async () => source} tickMs={0} />, {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: new Stdin() as unknown as NodeJS.ReadStream,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false
    })
    unmount = () => { app.unmount() }
    await vi.waitFor(() => { expect(stdout.frame).toContain('1-16 of 60') })
    expect(stdout.frame).not.toContain('VERSIONS')
    for (const line of stdout.frame.split('\n')) expect(line.length).toBeLessThanOrEqual(80)
    stdout.resize(140, 40)
    await vi.waitFor(() => { expect(stdout.frame).toContain('1-32 of 60') })
    expect(stdout.frame).toContain('VERSIONS')
    stdout.resize(60, 15)
    await vi.waitFor(() => { expect(stdout.frame).toContain('1-7 of 60') })
    for (const line of stdout.frame.split('\n')) expect(line.length).toBeLessThanOrEqual(60)
  })
})
