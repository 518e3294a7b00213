/**
 * Exit codes are chosen here and nowhere else (STYLE.md 7; changesets' `ExitError`):
 * 0 ok, 1 failed, 2 usage. Commands throw; `run()` maps what they throw to a code.
 */
import { CommanderError } from 'commander'
import { SlmError } from '../../protocol/errors.js'

export const EXIT_OK = 0
export const EXIT_FAILED = 1
export const EXIT_USAGE = 2
export type ExitCode = typeof EXIT_OK | typeof EXIT_FAILED | typeof EXIT_USAGE

/** The command line was wrong (bad argument value, conflicting flags): exit 2. */
export class UsageError extends SlmError {
  constructor (message: string) {
    super('ERR_USAGE', message)
    this.name = 'UsageError'
  }
}

/**
 * Ends the command with a code after it has already printed what the user needs to see, e.g.
 * `--wait` when some target failed. `message` is printed only when given.
 */
export class ExitError extends SlmError {
  readonly exitCode: ExitCode
  constructor (exitCode: ExitCode, message = '') {
    super('ERR_EXIT', message)
    this.name = 'ExitError'
    this.exitCode = exitCode
  }
}

// Commander "errors" that are really successful early exits.
const COMMANDER_OK = new Set(['commander.helpDisplayed', 'commander.version'])

export function exitCodeFor (err: unknown): ExitCode {
  if (err instanceof CommanderError) {
    if (COMMANDER_OK.has(err.code)) return EXIT_OK
    // `commander.help` with exitCode 0 is `slm help`; with 1 it is `slm` given no command.
    if (err.code === 'commander.help' && err.exitCode === 0) return EXIT_OK
    return EXIT_USAGE
  }
  if (err instanceof ExitError) return err.exitCode
  if (err instanceof UsageError) return EXIT_USAGE
  return EXIT_FAILED
}

/**
 * The one-line message to print for an error, or null when it has been printed already
 * (commander writes its own usage errors; ExitError may be silent).
 */
export function messageFor (err: unknown, debug = false): string | null {
  if (err instanceof CommanderError) return null
  if (err instanceof ExitError) return err.message === '' ? null : `error: ${err.message}`
  if (err instanceof SlmError) return `error: ${err.message} (${err.code})`
  if (err instanceof Error) {
    // An unexpected error is a bug or an environment problem: show the stack when debugging.
    return debug && err.stack != null ? `error: ${err.stack}` : `error: ${err.message}`
  }
  return `error: ${String(err)}`
}
