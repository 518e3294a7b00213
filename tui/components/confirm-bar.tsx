/**
 * y/N confirmation for destructive commands (retire, reprovision, reject, immediate maintenance).
 * Anything but `y` cancels, so a stray key never retires a node.
 */
import { Box, Text } from 'ink'

export interface ConfirmBarProps {
  /** What will happen, e.g. "retire on n1, n2". */
  readonly description: string
}

/** The app routes every key here while the bar is open: only y (or Y) confirms. */
export function confirmKeyIsYes (input: string): boolean {
  return input === 'y' || input === 'Y'
}

export function ConfirmBar ({ description }: ConfirmBarProps): React.JSX.Element {
  return (
    <Box flexDirection='column' height={2}>
      <Text color='red' bold wrap='truncate'>⚠ {description}</Text>
      <Text wrap='truncate'>This is destructive. Send it? <Text bold>y</Text>/<Text bold>N</Text></Text>
    </Box>
  )
}
