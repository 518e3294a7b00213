/**
 * Hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014). Every node stamps what
 * it authors with one, so replicas order LWW registers and events consistently even when wall
 * clocks disagree or step backwards. The string form sorts lexicographically in the same order
 * as the (ms, counter) pair, so it can be a key in LMDB and compared with `<` anywhere.
 */
import { ValidationError } from './errors.js'
import type { Hlc } from './types.js'

export interface HlcParts {
  /** Physical component: ms since epoch. */
  ms: number
  /** Logical component: orders events within one ms. */
  counter: number
}

const MS_DIGITS = 15
const COUNTER_DIGITS = 6
export const HLC_MAX_MS = 10 ** MS_DIGITS - 1
export const HLC_MAX_COUNTER = 10 ** COUNTER_DIGITS - 1
export const HLC_PATTERN = /^\d{15}-\d{6}$/
/** @default how far ahead of our wall clock a remote stamp may be before we refuse it */
export const DEFAULT_MAX_DRIFT_MS = 60_000

export function formatHlc (parts: HlcParts): Hlc {
  const { ms, counter } = parts
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > HLC_MAX_MS) {
    throw new ValidationError(`HLC ms must be an integer in 0..${HLC_MAX_MS}, got ${ms}`, 'hlc')
  }
  if (!Number.isSafeInteger(counter) || counter < 0 || counter > HLC_MAX_COUNTER) {
    throw new ValidationError(`HLC counter must be an integer in 0..${HLC_MAX_COUNTER}, got ${counter}`, 'hlc')
  }
  return `${String(ms).padStart(MS_DIGITS, '0')}-${String(counter).padStart(COUNTER_DIGITS, '0')}`
}

export function parseHlc (h: unknown): HlcParts {
  if (typeof h !== 'string' || !HLC_PATTERN.test(h)) {
    throw new ValidationError('expected an HLC "<15-digit ms>-<6-digit counter>"', 'hlc')
  }
  return { ms: Number(h.slice(0, MS_DIGITS)), counter: Number(h.slice(MS_DIGITS + 1)) }
}

export function isHlc (h: unknown): h is Hlc {
  return typeof h === 'string' && HLC_PATTERN.test(h)
}

/** -1, 0 or 1. Plain string order is the clock order, by construction of the format. */
export function compareHlc (a: Hlc, b: Hlc): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The earliest HLC of a wall-clock instant, e.g. a lower bound for "everything since ms". */
export function hlcFromMs (ms: number): Hlc {
  return formatHlc({ ms: Math.floor(ms), counter: 0 })
}

/** The physical part of an HLC, ms since epoch. */
export function hlcMs (h: Hlc): number {
  return parseHlc(h).ms
}

export interface HybridClockInit {
  /**
   * Remote stamps further ahead of our wall clock than this are refused, so one node with a
   * broken clock cannot drag the whole fleet's clocks into the future.
   * @default 60_000
   */
  maxDriftMs?: number
}

export class HybridClock {
  private readonly wall: () => number
  private readonly maxDriftMs: number
  private last: HlcParts = { ms: 0, counter: 0 }

  constructor (wall: () => number = Date.now, init: HybridClockInit = {}) {
    this.wall = wall
    this.maxDriftMs = init.maxDriftMs ?? DEFAULT_MAX_DRIFT_MS
  }

  /** A fresh stamp, strictly greater than every stamp issued or witnessed before. */
  now (): Hlc {
    const pt = Math.floor(this.wall())
    if (pt > this.last.ms) {
      this.last = { ms: pt, counter: 0 }
    } else {
      this.last = bump(this.last)
    }
    return formatHlc(this.last)
  }

  /**
   * Merge a stamp seen on a message, so whatever we author next orders after it (causality).
   * Throws ValidationError ERR_CLOCK_DRIFT, without moving the clock, when it is too far ahead.
   */
  witness (remote: Hlc): void {
    const r = parseHlc(remote)
    const pt = this.wall()
    if (r.ms > pt + this.maxDriftMs) {
      throw new ValidationError(
        `remote clock is ${r.ms - pt} ms ahead of ours; at most ${this.maxDriftMs} ms is tolerated`,
        'hlc', 'ERR_CLOCK_DRIFT')
    }
    if (r.ms > this.last.ms || (r.ms === this.last.ms && r.counter > this.last.counter)) {
      this.last = r
    }
  }

  /** The latest stamp issued or witnessed, without advancing. */
  peek (): Hlc {
    return formatHlc(this.last)
  }
}

/** Next logical tick; a full counter spills into the ms part so the string stays well-formed. */
function bump (p: HlcParts): HlcParts {
  return p.counter < HLC_MAX_COUNTER ? { ms: p.ms, counter: p.counter + 1 } : { ms: p.ms + 1, counter: 0 }
}
