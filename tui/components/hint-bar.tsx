/**
 * The bottom hint bar, derived from the key bindings: only bindings marked `visible` and usable
 * now (fleet-changing keys vanish without an operator key). Wraps to at most two lines.
 */
import { Box, Text } from 'ink'
import { memo } from 'react'
import { keyLabel, type KeyBinding } from '../keys/binding.js'

export interface HintBarProps {
  /** The usable bindings of the current view, in order. */
  readonly bindings: readonly KeyBinding<any>[]
}

function HintBarImpl ({ bindings }: HintBarProps): React.JSX.Element {
  const shown = bindings.filter((b) => b.visible === true)
  return (
    <Box height={2} flexWrap='wrap' overflow='hidden'>
      {shown.map((b) => (
        <Box key={b.key} marginRight={1}>
          <Text color={b.dangerous === true ? 'red' : 'cyan'}>{`<${keyLabel({ ...b, also: [] })}>`}</Text>
          <Text dimColor>{b.description.replace(/ \(.*\)$/, '')}</Text>
        </Box>
      ))}
    </Box>
  )
}

export const HintBar = memo(HintBarImpl)
