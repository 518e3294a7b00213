/**
 * Health collector benchmark (issue 3, point 3): what one collection costs, what `latest()` costs,
 * and how long the event loop stalls while collecting — beside the systeminformation calls that
 * answer the same questions, to show why the collector does not use them (PITFALLS.md).
 *
 *   node dist/test/bench/health.bench.js [--quick] [--samples N]
 */
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import si from 'systeminformation'
import { createHealthCollector, type HealthCollector } from '../../node/health/index.js'
import { defaultRoles } from '../../node/roles/index.js'
import type { RoleDefinition } from '../../protocol/types.js'
import { numberFlag, type BenchOptions } from '../helpers/bench.js'

const SHA = '3f2a9c1d0b8e7f6a5c4d3e2f1a0b9c8d7e6f5a4b'

function pct (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

const ms = (n: number): string => `${n.toFixed(2)} ms`

/** Times `n` runs of `fn`, one after another, while a 1 ms-resolution histogram watches the loop. */
async function timed (n: number, fn: () => Promise<unknown>): Promise<{ sorted: number[], stall: ReturnType<typeof monitorEventLoopDelay> }> {
  const stall = monitorEventLoopDelay({ resolution: 1 })
  const times: number[] = []
  stall.enable()
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await fn()
    times.push(performance.now() - t0)
    // Yield a timer turn between runs so the histogram samples the loop around each one.
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  stall.disable()
  return { sorted: times.sort((a, b) => a - b), stall }
}

/** A realistic node: the nine default roles, two installed (one deployed and listening). */
async function fixture (): Promise<{ stateDir: string, roles: RoleDefinition[], close: () => Promise<void> }> {
  const stateDir = await mkdtemp(join(tmpdir(), 'slm-bench-health-'))
  const server = createServer()
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  const port = (server.address() as AddressInfo).port
  const roles = defaultRoles()
  roles[0] = { ...roles[0], ports: [port] }
  await mkdir(join(stateDir, roles[0].targetPath, 'releases', SHA), { recursive: true })
  await symlink(join('releases', SHA), join(stateDir, roles[0].targetPath, 'current'))
  await mkdir(join(stateDir, roles[1].targetPath), { recursive: true })
  return {
    stateDir,
    roles,
    close: async () => {
      server.close()
      await rm(stateDir, { recursive: true, force: true })
    }
  }
}

async function siComparison (): Promise<string[]> {
  const calls: Array<[string, () => Promise<unknown>]> = [
    ['currentLoad() (first call)', async () => await si.currentLoad()],
    ['services(units)', async () => await si.services('ssh,cron,nginx')],
    ['networkConnections()', async () => await si.networkConnections()],
    ['fsSize()', async () => await si.fsSize()]
  ]
  const lines: string[] = []
  for (const [name, fn] of calls) {
    const { sorted, stall } = await timed(1, fn)
    lines.push(`  si.${name.padEnd(28)} ${ms(sorted[0]).padStart(11)}   max loop stall ${ms(stall.max / 1e6)}`)
  }
  return lines
}

export async function run (opts: BenchOptions = { quick: false, args: [] }): Promise<void> {
  const samples = numberFlag(opts.args, 'samples', opts.quick ? 20 : 50)
  const fx = await fixture()
  const health: HealthCollector = createHealthCollector({
    stateDir: fx.stateDir,
    roles: () => fx.roles,
    monitoredServices: ['ssh', 'cron', 'nginx'],
    checkIntervalMs: 0 // role checks are the operator's commands, not the collector's cost
  })
  try {
    await health.refresh({ force: true }) // warm up: JIT, the one-off os-release read
    // The same loop doing nothing: on a busy host the scheduler alone stalls us, so read against it.
    const idle = await timed(samples, async () => {})
    const full = await timed(samples, async () => await health.refresh({ force: true }))
    const cached = await timed(samples, async () => await health.refresh())

    const calls = opts.quick ? 100_000 : 1_000_000
    let sink = 0
    const t0 = performance.now()
    for (let i = 0; i < calls; i++) sink += health.latest().collectedAt & 1
    const latestUs = ((performance.now() - t0) * 1000) / calls

    const d = health.diagnostics()
    const h = health.latest()
    console.log([
      `host: ${h.os}; ${h.listeningPorts.length} listening ports via ${d.portsSource}; systemd ${d.systemd ? 'asked' : `not asked (${d.systemdReason ?? 'unavailable'})`}; ${fx.roles.length} roles`,
      `full collection (every probe forced, ${samples} runs):  p50 ${ms(pct(full.sorted, 50))}  p99 ${ms(pct(full.sorted, 99))}  max ${ms(full.sorted.at(-1)!)}`,
      `  max event-loop stall during full collections:    ${ms(full.stall.max / 1e6)} (p99 ${ms(full.stall.percentile(99) / 1e6)}; 1 ms resolution)`,
      `cached tick (probes within their TTLs, ${samples} runs):  p50 ${ms(pct(cached.sorted, 50))}  p99 ${ms(pct(cached.sorted, 99))}`,
      `  max event-loop stall during cached ticks:        ${ms(cached.stall.max / 1e6)}`,
      `  baseline: max stall of the same loop idle:       ${ms(idle.stall.max / 1e6)} (p99 ${ms(idle.stall.percentile(99) / 1e6)}; host load ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cpus)`,
      `latest(): ${latestUs < 0.01 ? latestUs.toFixed(4) : latestUs.toFixed(3)} µs per call (${calls.toLocaleString('en')} calls${sink < 0 ? '' : ''})`,
      'for comparison, systeminformation (one call each; its execSync paths stall the loop):'
    ].join('\n'))
    console.log((await siComparison()).join('\n'))
  } finally {
    await health.stop()
    await fx.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run({ quick: process.argv.includes('--quick'), args: process.argv.slice(2) })
