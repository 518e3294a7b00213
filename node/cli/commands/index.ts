/**
 * Every `slm` command, in help order. To add one: create `commands/<name>.ts` exporting
 * `register (program: Command): void`, then add one import and one entry below.
 */
import { register as init } from './init.js'
import { register as keygen } from './keygen.js'
import { register as daemon } from './daemon.js'
import { register as status } from './status.js'
import { register as nodes } from './nodes.js'
import { register as events } from './events.js'
import { register as lifecycle } from './lifecycle.js'
import { register as fleet } from './fleet.js'
import { register as audit } from './audit.js'
import { register as code } from './code.js'
import { register as hook } from './hook.js'
import { register as demo } from './demo.js'
import { register as tui } from './tui.js'
import type { Command } from 'commander'

export type RegisterCommand = (program: Command) => void

export const COMMANDS: RegisterCommand[] = [
  demo,
  tui,
  init,
  keygen,
  daemon,
  status,
  nodes,
  events,
  lifecycle,
  fleet,
  audit,
  code,
  hook
]
