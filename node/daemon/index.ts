export { Daemon } from './daemon.js'
export type { DaemonOptions } from './daemon.js'
