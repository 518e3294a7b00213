/**
 * The "daemon went away" line: shown while the connection is down, with the retry countdown,
 * so the operator knows the data on screen is stale and that we are reconnecting.
 */
import { Text } from 'ink'
import type { Connection } from '../hooks/use-connection.js'

export interface BannerProps {
  /** Connection state from `useConnection`. */
  readonly connection: Connection
  readonly now: number
}

export function Banner ({ connection, now }: BannerProps): React.JSX.Element | null {
  if (connection.phase === 'connected') return null
  const retry = connection.retryAt != null ? ` · retry in ${Math.max(0, Math.ceil((connection.retryAt - now) / 1000))}s` : ''
  const text = connection.phase === 'connecting'
    ? `connecting to the daemon…${connection.attempts > 0 ? ` (attempt ${connection.attempts + 1})` : ''}${retry}`
    : `DISCONNECTED from the daemon — reconnecting (attempt ${connection.attempts})${retry} · data below may be stale`
  return (
    <Text wrap='truncate' color='white' backgroundColor={connection.phase === 'lost' ? 'red' : 'blue'}>
      {' '}{text}{connection.error != null ? ` · ${connection.error}` : ''}{' '}
    </Text>
  )
}
