/**
 * Turns a parsed `:` action into a command envelope aimed at the selected or marked nodes (or at
 * a role for code actions) and signs it. Time, ids and signing come from a `CommandSigner` so
 * this stays pure and testable.
 */
import type { CommandEnvelope, Hlc, Target, UnsignedCommand } from '../../protocol/types.js'
import { PROTOCOL_VERSION } from '../../protocol/types.js'
import { COMMAND_TTL_MS } from '../constants.js'
import type { ParsedPrompt } from './parse.js'

export interface CommandSigner {
  /** The operator public key, `ed25519:<base64url>`. */
  readonly issuer: string
  /** The next HLC timestamp for `issuedAt`. */
  issuedAt: () => Hlc
  newId: () => string
  sign: (unsigned: UnsignedCommand) => CommandEnvelope
}

export type ActionPrompt = Extract<ParsedPrompt, { kind: 'action' }>

export class NoTargetError extends Error {
  readonly code = 'ERR_NO_TARGET'
  override name = 'NoTargetError'
  constructor (action: string) {
    super(`:${action} needs a node: select a row or mark rows with space first`)
  }
}

export function targetFor (parsed: ActionPrompt, nodes: readonly string[]): Target {
  if (parsed.spec.target === 'role') return { kind: 'role', role: String(parsed.params.role) }
  if (nodes.length === 0) throw new NoTargetError(parsed.spec.words.join(' '))
  return { kind: 'nodes', nodes: [...nodes] }
}

export function buildUnsigned (parsed: ActionPrompt, nodes: readonly string[], signer: CommandSigner, now: number): UnsignedCommand {
  const params = { ...parsed.params }
  // Pinning names the node to pin; the command is addressed to it as well.
  if (parsed.action === 'code_source_pin') params.node = nodes[0]
  return {
    v: PROTOCOL_VERSION,
    id: signer.newId(),
    issuer: signer.issuer,
    issuedAt: signer.issuedAt(),
    expiresAt: now + COMMAND_TTL_MS,
    target: targetFor(parsed, parsed.action === 'code_source_pin' ? nodes.slice(0, 1) : nodes),
    action: parsed.action,
    params,
    comment: parsed.comment
  }
}

export function buildCommand (parsed: ActionPrompt, nodes: readonly string[], signer: CommandSigner, now: number): CommandEnvelope {
  return signer.sign(buildUnsigned(parsed, nodes, signer, now))
}

/** One line describing what a command will do, for the confirmation dialog. */
export function describeCommand (parsed: ActionPrompt, names: readonly string[]): string {
  const what = [...parsed.spec.words, ...Object.values(parsed.params).filter((v) => v !== '' && v !== false).map(String)].join(' ')
  if (parsed.spec.target === 'role') return `${what}`
  const shown = names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`
  return `${what} on ${shown}`
}
