/**
 * One status line above the hint bar: the results of the last command as they arrive, or the
 * latest message (errors, "cancelled", "read-only").
 */
import { Text } from 'ink'

export interface MessageLineProps {
  readonly text: string
  readonly colour?: string
}

export function MessageLine ({ text, colour }: MessageLineProps): React.JSX.Element {
  return <Text wrap='truncate' color={colour}>{text === '' ? ' ' : text}</Text>
}
