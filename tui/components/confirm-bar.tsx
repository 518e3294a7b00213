/**
 * y/N confirmation for destructive commands (retire, reprovision, reject, immediate maintenance).
 * Anything but `y` cancels, so a stray key never retires a node.
 */
import { Box, Text, useInput } from 'ink'

export interface ConfirmBarProps {
  /** What will happen, e.g. "retire on n1, n2". */
  readonly description: string
  readonly isActive: boolean
  readonly onYes: () => void
  readonly onNo: () => void
}

export function ConfirmBar ({ description, isActive, onYes, onNo }: ConfirmBarProps): React.JSX.Element {
  useInput((input) => {
    if (input === 'y' || input === 'Y') onYes()
    else onNo()
  }, { isActive })
  return (
    <Box flexDirection='column' height={2}>
      <Text color='red' bold wrap='truncate'>⚠ {description}</Text>
      <Text wrap='truncate'>This is destructive. Send it? <Text bold>y</Text>/<Text bold>N</Text></Text>
    </Box>
  )
}
