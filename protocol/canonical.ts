/**
 * RFC 8785 (JCS) canonical JSON: the one byte form that is signed and hashed, so two replicas
 * that hold equal values produce equal signatures and digests whatever order keys arrived in.
 */
import canonicalize from 'canonicalize'

export function canonicalJson (value: unknown): string {
  const out = canonicalize(value)
  if (out === undefined) throw new TypeError('value has no canonical JSON form')
  return out
}

export function canonicalBytes (value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value))
}
