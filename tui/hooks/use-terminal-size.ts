/**
 * Terminal columns and rows, re-rendering on resize (Ink's `useWindowSize` listens to stdout's
 * 'resize'). Tests and the bench pin a size through `override`: ink-testing-library's fake stdout
 * has 100 columns and no rows.
 */
import { useWindowSize } from 'ink'

export interface TerminalSize {
  readonly columns: number
  readonly rows: number
}

export function useTerminalSize (override?: Partial<TerminalSize>): TerminalSize {
  const size = useWindowSize()
  return {
    columns: override?.columns ?? size.columns,
    rows: override?.rows ?? size.rows
  }
}
