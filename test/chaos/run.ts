/**
 * `npm run chaos`: every chaos scenario of issue 8 at full size, one after another, then the
 * report table. `--quick` runs the small sizes; `--only crash,flood` picks scenarios; `--scale N`
 * sets the scale run's fleet size. Exit code 1 when any scenario failed. Every daemon is stopped
 * by pid when a scenario ends, and again on exit whatever happened.
 */
import { writeFileSync } from 'node:fs'
import { killAllTracked } from '../helpers/index.js'
import { flag, numberFlag } from '../helpers/bench.js'
import { crashStorm } from './crash-storm.js'
import { diskTrouble } from './disk.js'
import { flood } from './flood.js'
import { fuzzPass } from './fuzz.js'
import { hostilePeer } from './hostile.js'
import { partition } from './partition.js'
import { renderReport, verdict } from './report.js'
import { scale } from './scale.js'
import type { ChaosOptions, ScenarioResult } from './types.js'

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const only = flag(args, 'only')?.split(',')
const started = new Date()
const log = (msg: string): void => { console.error(`[${new Date().toISOString().slice(11, 19)}] ${msg}`) }
const opts: ChaosOptions = { quick, log }

const SCENARIOS: Array<[string, () => Promise<ScenarioResult>]> = [
  ['fuzz', async () => await fuzzPass(opts, { budgetMs: numberFlag(args, 'fuzz-seconds', quick ? 20 : 300) * 1000, seed: flag(args, 'fuzz-seed') === undefined ? undefined : numberFlag(args, 'fuzz-seed', 0) })],
  ['crash', async () => await crashStorm(opts)],
  ['partition', async () => await partition(opts)],
  ['flood', async () => await flood(opts)],
  ['hostile', async () => await hostilePeer(opts)],
  ['disk', async () => await diskTrouble(opts)],
  ['scale', async () => await scale(opts, { n: numberFlag(args, 'scale', quick ? 10 : 100) })]
]

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killAllTracked('SIGKILL')
    process.exit(130)
  })
}

const results: ScenarioResult[] = []
for (const [name, run] of SCENARIOS) {
  if (only !== undefined && !only.includes(name)) continue
  log(`--- ${name} ---`)
  const r = await run()
  log(`${name}: ${verdict(r)} (${r.failures.length} failures, lost ${r.lost})`)
  results.push(r)
}
const report = renderReport(results, started)
console.log(report)
const out = flag(args, 'out')
if (out !== undefined) writeFileSync(out, report + '\n')
killAllTracked('SIGKILL')
process.exit(results.some((r) => r.failures.length > 0) ? 1 : 0)
