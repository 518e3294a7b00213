/**
 * Builds the `slm` program and runs it. Commands live in `commands/*.ts`, each exporting
 * `register(program)`, listed in `commands/index.ts`.
 */
import { Command, Option } from 'commander'
import { COMMANDS } from './commands/index.js'
import { DEFAULT_STATE_DIR } from './context.js'
import { EXIT_OK, exitCodeFor, messageFor } from './exit.js'
import { packageVersion } from './version.js'
import type { ExitCode } from './exit.js'

export interface ProgramIo {
  writeOut: (s: string) => void
  writeErr: (s: string) => void
}

const processIo: ProgramIo = {
  writeOut: (s) => { process.stdout.write(s) },
  writeErr: (s) => { process.stderr.write(s) }
}

export function buildProgram (io: ProgramIo = processIo): Command {
  const program = new Command('slm')
    .description('Peer-to-peer Service Lifecycle Manager: fleet health, lifecycle and code rollout')
    .version(packageVersion(), '-V, --version', 'print the slm version')
    .addOption(new Option('--dir <dir>', `state dir (default: ${DEFAULT_STATE_DIR})`).env('SLM_DIR'))
    .option('--json', 'machine-readable JSON output')
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: io.writeOut,
      writeErr: io.writeErr,
      // Commander puts "(Did you mean …?)" on a second line; scripts grep one line per error.
      outputError: (str, write) => { write(str.replace(/\n(?=\(Did you mean)/, ' ')) }
    })
    // Throw instead of process.exit so run() picks the exit code (exit.ts) and output flushes.
    .exitOverride()

  // Subcommands copy exitOverride/output settings when created, so set them before registering.
  for (const register of COMMANDS) register(program)
  return program
}

/** Parses argv (`process.argv` shape), runs the command, and returns the exit code. */
export async function run (argv: string[], io: ProgramIo = processIo): Promise<ExitCode> {
  const program = buildProgram(io)
  try {
    await program.parseAsync(argv)
    return EXIT_OK
  } catch (err) {
    const message = messageFor(err, process.env.SLM_DEBUG != null && process.env.SLM_DEBUG !== '')
    if (message != null) io.writeErr(message + '\n')
    return exitCodeFor(err)
  }
}
