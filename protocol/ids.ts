/**
 * Command ids are ULIDs: unique without coordination, and their time prefix makes the command
 * log sort roughly by issue time. A monotonic factory keeps ids issued within one ms ordered,
 * which matters as the id is the LWW tie-break after the HLC.
 */
import { decodeTime, monotonicFactory } from 'ulid'

/** Crockford base32, 26 chars; the first char is at most 7 so the 48-bit time cannot overflow. */
export const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/

const next = monotonicFactory()

export function newCommandId (now: number = Date.now()): string {
  return next(now)
}

export function isUlid (s: unknown): s is string {
  return typeof s === 'string' && ULID_PATTERN.test(s)
}

/** ms since epoch encoded in a ULID's time prefix. */
export function ulidTime (id: string): number {
  return decodeTime(id)
}
