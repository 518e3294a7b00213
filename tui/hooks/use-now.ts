/**
 * A clock that re-renders its user every `tickMs`, so "last heartbeat 4s" ages on screen and row
 * highlights fade even when no data changes.
 */
import { useEffect, useState } from 'react'
import { CLOCK_TICK_MS } from '../constants.js'

export function useNow (tickMs: number = CLOCK_TICK_MS): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (tickMs <= 0) return
    const t = setInterval(() => { setNow(Date.now()) }, tickMs)
    return () => { clearInterval(t) }
  }, [tickMs])
  return now
}
