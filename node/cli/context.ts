/**
 * Global options every command sees. Commander parses program options before or after the
 * subcommand (`slm --dir X init` and `slm init --dir X` are the same), and `optsWithGlobals()`
 * merges them, so a command reads them through `globals(command)`.
 */
import { resolve } from 'node:path'
import type { Command } from 'commander'

/** @default state dir when neither `--dir` nor `SLM_DIR` is given (DESIGN.md, Identity). */
export const DEFAULT_STATE_DIR = '/var/lib/slm'

export interface GlobalOptions {
  /** Absolute state dir. */
  dir: string
  json: boolean
}

export function globals (command: Command): GlobalOptions {
  const opts = command.optsWithGlobals<{ dir?: string, json?: boolean }>()
  const dir = opts.dir ?? process.env.SLM_DIR ?? DEFAULT_STATE_DIR
  return { dir: resolve(dir === '' ? DEFAULT_STATE_DIR : dir), json: opts.json === true }
}
