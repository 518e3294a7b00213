/**
 * Issue 6's benchmark: how fast the Ink dashboard draws the fleet view.
 *
 * - frame: a key press (cursor down) to the next frame written, for 100 and 1,000 nodes at
 *   120x40. This is a whole frame: React reconcile of the App, Yoga layout, and Ink's output.
 * - change latency: a ReplicaChange pushed by an in-memory FleetSource to the first frame that
 *   shows it (a heartbeat patched in place; a transition, which also schedules a refetch).
 *
 * Target: under 16 ms a frame at 1,000 nodes. Runnable alone: `node dist/test/bench/tui.bench.js`.
 * Change latency includes the store's 8 ms coalescing window (many changes, one frame).
 */
import { EventEmitter } from 'node:events'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { FakeSource } from '../tui/helpers/fake-source.js'
import { makeFleet } from '../tui/helpers/fixtures.js'
import type { BenchOptions } from '../helpers/bench.js'
import { fmt, summarize, table, type Summary } from '../helpers/report.js'

// React's development build is several times slower; users get production (the CLI sets it too),
// so the bench measures that. React reads NODE_ENV when first loaded, hence the dynamic imports,
// and no JSX in this file: compiled JSX would import react/jsx-runtime before NODE_ENV is set.
process.env.NODE_ENV ??= 'production'
const { createElement } = await import('react')
const { render } = await import('ink')
const { App } = await import('../../tui/app.js')

const COLUMNS = 120
const ROWS = 40

class FakeStdout extends EventEmitter {
  readonly columns = COLUMNS
  readonly rows = ROWS
  last = ''
  private waiter: ((frame: string) => void) | null = null
  write = (frame: string, cb?: () => void): boolean => {
    cb?.()
    this.last = frame
    const w = this.waiter
    this.waiter = null
    w?.(frame)
    return true
  }

  /** Resolves with the first frame written after this call that satisfies `test`. */
  async next (test: (frame: string) => boolean = () => true): Promise<string> {
    return await new Promise((resolve) => {
      const check = (frame: string): void => {
        if (test(frame)) resolve(frame)
        else this.waiter = check
      }
      this.waiter = check
    })
  }
}

class FakeStdin extends EventEmitter {
  isTTY = true
  private data: string | null = null
  write (data: string): void {
    this.data = data
    this.emit('readable')
    this.emit('data', data)
  }

  read (): string | null {
    const d = this.data
    this.data = null
    return d
  }

  setEncoding (): void {}
  setRawMode (): void {}
  resume (): void {}
  pause (): void {}
  ref (): void {}
  unref (): void {}
}

interface Figures {
  nodes: number
  frame: Summary
  heartbeat: Summary
  transition: Summary
}

async function measure (size: number, presses: number, changes: number): Promise<Figures> {
  const fleet = makeFleet(size)
  const source = new FakeSource(fleet)
  const stdout = new FakeStdout()
  const stdin = new FakeStdin()
  const loaded = stdout.next((f) => f.includes(`${size} nodes`) && f.includes('n0001'))
  const app = render(createElement(App, { connect: async () => source, size: { columns: COLUMNS, rows: ROWS }, tickMs: 0 }), {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false
  })
  await loaded

  const frame: number[] = []
  for (let i = 0; i < presses; i++) {
    // Down, and back up at the bottom, so every press moves the cursor and changes the frame.
    const key = Math.floor(i / 30) % 2 === 0 ? 'j' : 'k'
    const next = stdout.next()
    const t0 = performance.now()
    stdin.write(key)
    await next
    frame.push(performance.now() - t0)
  }

  // Heartbeats for rows on screen: each sets a unique cpu value, drawn when its frame lands.
  const heartbeat: number[] = []
  for (let i = 0; i < changes; i++) {
    const n = fleet.nodes[1 + (i % 10)]
    const cpu = 10 + (i % 80)
    const marker = new RegExp(`${n.name}\\s.*\\s${cpu}\\s`)
    const next = stdout.next((f) => marker.test(f))
    const t0 = performance.now()
    source.push({ kind: 'heartbeat', origin: n.id, type: 'heartbeat', value: { health: { ...n.health!, cpuPercent: cpu }, state: n.state, versions: n.versions } })
    await next
    heartbeat.push(performance.now() - t0)
  }

  const transition: number[] = []
  const states = ['maintenance_draining', 'online'] as const
  for (let i = 0; i < changes; i++) {
    const n = fleet.nodes[2]
    const to = states[i % 2]
    const from = states[(i + 1) % 2]
    const marker = new RegExp(`${n.name}\\s+${to === 'online' ? 'online' : 'maint\\.draining'}`)
    const next = stdout.next((f) => marker.test(f))
    const t0 = performance.now()
    source.pushTransition(n.id, from, to, 10 + i)
    await next
    transition.push(performance.now() - t0)
  }

  app.unmount()
  return { nodes: size, frame: summarize(frame), heartbeat: summarize(heartbeat), transition: summarize(transition) }
}

export async function run (opts: Partial<BenchOptions> = {}): Promise<string> {
  const quick = opts.quick === true
  const sizes = [100, 1000]
  const presses = quick ? 60 : 300
  const changes = quick ? 20 : 100
  const rows: string[][] = []
  for (const size of sizes) {
    // One warm-up pass so JIT compilation does not count against the first size.
    if (size === sizes[0]) await measure(size, 20, 5)
    const f = await measure(size, presses, changes)
    rows.push([
      String(f.nodes),
      fmt(f.frame.mean, 2), fmt(f.frame.p50, 2), fmt(f.frame.p99, 2),
      fmt(f.heartbeat.p50, 2), fmt(f.heartbeat.p99, 2),
      fmt(f.transition.p50, 2), fmt(f.transition.p99, 2),
      f.frame.p99 < 16 ? 'yes' : 'NO'
    ])
  }
  const report = [
    `TUI fleet view at ${COLUMNS}x${ROWS}, ${presses} key presses, ${changes} changes of each kind per size (ms)`,
    table(['nodes', 'frame mean', 'frame p50', 'frame p99', 'heartbeat->frame p50', 'p99', 'transition->frame p50', 'p99', 'p99 < 16 ms'], rows)
  ].join('\n')
  console.log(report)
  return report
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run({ quick: process.argv.includes('--quick'), args: process.argv.slice(2) }).then(() => { process.exit(0) }, (err) => {
    console.error(err)
    process.exit(1)
  })
}
