/**
 * Default paths of the identity files, apart from the key code: the CLI names them in `--help`
 * without loading the crypto (half a second of start-up for every `slm` call).
 */
import { homedir } from 'node:os'
import { join } from 'node:path'

/** `$XDG_CONFIG_HOME/slm/operator.key`, by default `~/.config/slm/operator.key`. */
export function defaultOperatorKeyPath (): string {
  const config = process.env.XDG_CONFIG_HOME != null && process.env.XDG_CONFIG_HOME !== ''
    ? process.env.XDG_CONFIG_HOME
    : join(homedir(), '.config')
  return join(config, 'slm', 'operator.key')
}
