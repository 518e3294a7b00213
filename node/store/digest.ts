/**
 * Set digests: the XOR of sha256(canonical JSON) over a set's items. Order-independent and
 * incremental (add and remove are the same XOR), so equal sets give equal digests however the
 * items arrived, and reading the digest is O(1). Items are unique by key, so nothing cancels.
 */
import { createHash } from 'node:crypto'
import { canonicalJson } from '../../protocol/canonical.js'

export const ZERO = '0'.repeat(64)

export function itemHash (value: unknown): Buffer {
  return createHash('sha256').update(canonicalJson(value)).digest()
}

export function xorInto (accHex: string, h: Buffer): string {
  const acc = Buffer.from(accHex, 'hex')
  for (let i = 0; i < 32; i++) acc[i] ^= h[i]
  return acc.toString('hex')
}

/** One hash over the three set digests (events, commands, registers). */
export function combine (events: string, commands: string, registers: string): string {
  return createHash('sha256').update(`slm-replica-v1\n${events}\n${commands}\n${registers}`).digest('hex')
}
