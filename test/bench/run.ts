/**
 * `npm run bench`: runs every bench module in turn, each under a section header.
 *
 *   node dist/test/bench/run.js [--only NAME]... [--quick] [bench flags]
 *
 * A bench module is `<name>.bench.js` beside this file exporting `run(opts)`. Modules not written
 * yet are skipped with a note, so the runner works while the tree grows. Exit code 1 if any failed.
 */
import { existsSync } from 'node:fs'
import { killAllTracked } from '../helpers/procs.js'
import type { BenchModule, BenchOptions } from '../helpers/bench.js'

const BENCHES = ['store', 'health', 'tui', 'fleet', 'code']

const USAGE = `usage: node dist/test/bench/run.js [--only NAME]... [--quick] [bench flags]
  NAME is one of: ${BENCHES.join(', ')}
  fleet flags: --sizes 10,30,50  --events 100 (20 with --quick)  --idle-ms 20000  --settle-ms 30000  --heartbeat-interval MS  --soak-n 30  --soak-ms 600000
  code flags: --code-nodes 1,10  --history-mb 50  --commits 50  --tip-mb 1`

function parse (argv: string[]): { only: string[], opts: BenchOptions } {
  const only: string[] = []
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--help' || argv[i] === '-h') {
      console.log(USAGE)
      process.exit(0)
    }
    if (argv[i] === '--only') only.push(...(argv[++i] ?? '').split(','))
    else if (argv[i].startsWith('--only=')) only.push(...argv[i].slice(7).split(','))
  }
  for (const name of only) {
    if (!BENCHES.includes(name)) {
      console.error(`unknown bench '${name}'\n${USAGE}`)
      process.exit(2)
    }
  }
  return { only, opts: { quick: argv.includes('--quick'), args: argv } }
}

// Ctrl-C: exit through process.exit so the harness's 'exit' hook kills every daemon it started.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    console.error(`\n${sig}: stopping benchmark processes`)
    killAllTracked('SIGKILL')
    process.exit(130)
  })
}

async function main (): Promise<number> {
  const { only, opts } = parse(process.argv.slice(2))
  const names = only.length > 0 ? only : BENCHES
  let failed = 0
  console.log(`slm bench ${new Date().toISOString()}  node ${process.version}  ${opts.quick ? 'quick' : 'full'}`)
  for (const name of names) {
    console.log(`\n=== ${name} ${'='.repeat(Math.max(3, 70 - name.length))}`)
    const url = new URL(`./${name}.bench.js`, import.meta.url)
    if (!existsSync(url)) {
      console.log(`(skipped: ${name}.bench.ts is not written yet)`)
      continue
    }
    const started = Date.now()
    try {
      const mod = await import(url.href) as Partial<BenchModule>
      if (typeof mod.run !== 'function') throw new Error(`${name}.bench.js exports no run()`)
      const report = await mod.run(opts)
      if (typeof report === 'string' && report !== '') console.log(report)
      console.log(`(${name}: ${((Date.now() - started) / 1000).toFixed(1)} s)`)
    } catch (err) {
      failed++
      console.error(`${name} bench FAILED after ${((Date.now() - started) / 1000).toFixed(1)} s:`, err)
    }
  }
  return failed > 0 ? 1 : 0
}

process.exitCode = await main()
