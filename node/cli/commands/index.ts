/**
 * Every `slm` command, in help order. To add one: create `commands/<name>.ts` exporting
 * `register (program: Command): void`, then add one import and one entry below.
 */
import type { Command } from 'commander'

export type RegisterCommand = (program: Command) => void

export const COMMANDS: RegisterCommand[] = [
]
