/** JSON logs to stdout for the journal (pino). */
import { pino, type Logger } from 'pino'

export type { Logger }

export function createLogger (level: string, name: string): Logger {
  return pino({ level, base: { node: name }, timestamp: pino.stdTimeFunctions.isoTime })
}
