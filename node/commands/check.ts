/**
 * The checks every node runs on a command, in DESIGN's order: size and schema, signature, issuer's
 * role allows the action, not expired (with clock-skew tolerance), not seen before. Pure: the
 * trust list, the seen-set lookup and `now` are passed in.
 */
import { verifyCommand } from '../../protocol/sign.js'
import { validateCommand } from '../../protocol/schema.js'
import { hlcMs } from '../../protocol/hlc.js'
import type { CommandEnvelope, TrustEntry } from '../../protocol/types.js'
import { roleAllows } from './policy.js'

export type RejectCode =
  | 'malformed'
  | 'bad_signature'
  | 'unknown_issuer'
  | 'forbidden'
  | 'expired'
  | 'from_future'
  | 'replayed'

export type CheckResult =
  | { ok: true, command: CommandEnvelope, issuer: TrustEntry }
  | { ok: false, code: RejectCode, message: string, command?: CommandEnvelope }

export interface CheckContext {
  trust: (key: string) => TrustEntry | undefined
  seen: (id: string) => boolean
  now: number
  skewMs: number
}

export function checkCommand (raw: unknown, ctx: CheckContext): CheckResult {
  let command: CommandEnvelope
  try {
    command = validateCommand(raw)
  } catch (err: any) {
    return { ok: false, code: 'malformed', message: String(err?.message ?? err) }
  }
  try {
    verifyCommand(command)
  } catch (err: any) {
    return { ok: false, code: 'bad_signature', message: `signature does not verify for issuer ${command.issuer}`, command }
  }
  const issuer = ctx.trust(command.issuer)
  if (issuer == null) return { ok: false, code: 'unknown_issuer', message: `issuer ${command.issuer} is not in the trust list`, command }
  if (!roleAllows(issuer.role, command.action)) {
    return { ok: false, code: 'forbidden', message: `${issuer.name} has role '${issuer.role}', which may not '${command.action}'`, command }
  }
  if (ctx.now > command.expiresAt + ctx.skewMs) {
    return { ok: false, code: 'expired', message: `command expired at ${new Date(command.expiresAt).toISOString()}`, command }
  }
  if (hlcMs(command.issuedAt) > ctx.now + ctx.skewMs) {
    return { ok: false, code: 'from_future', message: 'command was issued in the future beyond the clock-skew tolerance', command }
  }
  if (ctx.seen(command.id)) return { ok: false, code: 'replayed', message: `command ${command.id} was already received`, command }
  return { ok: true, command, issuer }
}
