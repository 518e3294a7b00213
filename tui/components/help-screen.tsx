/**
 * `?`: every key of the current view and the global ones, then the `:` commands. Keys that
 * change the fleet are listed as unavailable in read-only mode rather than silently missing.
 */
import { Box, Text } from 'ink'
import { usageOf } from '../commands/parse.js'
import { ACTION_SPECS, VIEW_SPECS } from '../commands/specs.js'
import { keyLabel, type KeyBinding } from '../keys/binding.js'

export interface HelpScreenProps {
  /** All bindings of the current view, global ones included. */
  readonly bindings: readonly KeyBinding<any>[]
  readonly readOnly: boolean
  readonly width: number
  readonly height: number
}

export function HelpScreen ({ bindings, readOnly, width, height }: HelpScreenProps): React.JSX.Element {
  const colWidth = Math.max(30, Math.floor((width - 1) / 2))
  return (
    <Box flexDirection='column' height={height} overflow='hidden'>
      <Box flexShrink={0}>
        <Text bold wrap='truncate'>Keys{readOnly ? <Text color='red'> (read-only: no operator key, fleet-changing keys are off)</Text> : ''}</Text>
      </Box>
      <Box flexWrap='wrap' flexShrink={0}>
        {bindings.map((b) => {
          const off = readOnly && (b.mutates === true || b.dangerous === true)
          return (
            <Box key={b.key} width={colWidth} flexShrink={0} paddingRight={1}>
              <Text wrap='truncate' dimColor={off}>
                <Text color={b.dangerous === true ? 'red' : 'cyan'}>{keyLabel(b).padEnd(12)}</Text>
                {b.description}{off ? ' (needs key)' : ''}
              </Text>
            </Box>
          )
        })}
      </Box>
      <Box flexShrink={0}>
        <Text bold wrap='truncate'>Commands (:) <Text dimColor>add -m "comment" to any action</Text></Text>
      </Box>
      <Box flexWrap='wrap' flexShrink={0}>
        {[...VIEW_SPECS.map((v) => `${v.words.join('|')}`), ...ACTION_SPECS.map(usageOf)].map((u) => (
          <Box key={u} width={colWidth} flexShrink={0} paddingRight={1}><Text wrap='truncate' color='cyan'>:{u}</Text></Box>
        ))}
      </Box>
    </Box>
  )
}
