/**
 * What `npm run bench` (test/bench/run.ts) hands each bench module's `run()`. Kept apart from the
 * runner so a bench can import the types without running the runner.
 */

export interface BenchOptions {
  /** `--quick`: smaller sizes, for a smoke run. */
  quick: boolean
  /** Every argument after `run.js`, for bench-specific flags such as `--sizes 10,30`. */
  args: string[]
}

/** A bench module: `run()` prints as it goes and may return a final report to print. */
export interface BenchModule {
  run: (opts: BenchOptions) => Promise<string | void>
}

/** The value after `--name` (or in `--name=value`), if given. */
export function flag (args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) return args[i + 1]
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3)
  }
  return undefined
}

/** A numeric flag, `fallback` when absent; a non-number is a usage error naming the flag. */
export function numberFlag (args: string[], name: string, fallback: number): number {
  const v = flag(args, name)
  if (v === undefined) return fallback
  const n = Number(v)
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got '${v}'`)
  return n
}

/** One of `choices`, `fallback` when absent; anything else is a usage error naming the flag. */
export function choiceFlag<T extends string> (args: string[], name: string, choices: readonly T[], fallback: T): T {
  const v = flag(args, name)
  if (v === undefined) return fallback
  if (!(choices as readonly string[]).includes(v)) throw new Error(`--${name} must be one of ${choices.join(', ')}, got '${v}'`)
  return v as T
}

/** A comma-separated list of numbers, e.g. `--sizes 10,30,50`. */
export function listFlag (args: string[], name: string, fallback: number[]): number[] {
  const v = flag(args, name)
  if (v === undefined) return fallback
  const list = v.split(',').map(Number)
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--${name} must be positive integers separated by commas, got '${v}'`)
  return list
}
