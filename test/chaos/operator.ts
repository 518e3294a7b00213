/**
 * An operator in-process: signs command envelopes with the fleet's admin key (protocol/sign.ts,
 * as the CLI does) and submits them over a node's control socket, remembering what each node
 * acknowledged so the end of a run can check that nothing acknowledged was lost.
 */
import { readFileSync } from 'node:fs'
import { hlcFromMs } from '../../protocol/hlc.js'
import { newCommandId } from '../../protocol/ids.js'
import { signCommand } from '../../protocol/sign.js'
import { PROTOCOL_VERSION, type Action, type CommandEnvelope, type Target } from '../../protocol/types.js'
import type { Fleet } from '../helpers/index.js'
import type { Controls } from './control.js'

export interface Submitted {
  id: string
  action: Action
  /** Node ids the command targets (empty for fleet-wide actions). */
  targets: string[]
  via: string
  ok: boolean
  /** Error code when the daemon refused it or the call failed. */
  code?: string
}

export interface EnvelopeOptions {
  /** issuedAt, ms: lets a test order LWW writes independently of arrival. @default now */
  issuedAtMs?: number
  /** expiresAt, ms. @default an hour from now */
  expiresAtMs?: number
  comment?: string
}

export class Operator {
  readonly pem: string
  readonly pub: string
  readonly log: Submitted[] = []

  private readonly controls: Controls

  constructor (fleet: Fleet, controls: Controls) {
    this.controls = controls
    this.pem = readFileSync(fleet.operatorKey, 'utf8')
    this.pub = fleet.operatorPub
  }

  envelope (action: Action, target: Target, params: Record<string, unknown>, opts: EnvelopeOptions = {}): CommandEnvelope {
    const now = Date.now()
    const at = opts.issuedAtMs ?? now
    return signCommand({
      v: PROTOCOL_VERSION,
      id: newCommandId(at),
      issuer: this.pub,
      issuedAt: hlcFromMs(at),
      expiresAt: opts.expiresAtMs ?? now + 3_600_000,
      target,
      action,
      params,
      comment: opts.comment ?? 'chaos'
    }, this.pem)
  }

  /** Submits over `via`'s control socket; never throws (a killed node is an ordinary outcome). */
  async submit (via: string, cmd: CommandEnvelope, timeoutMs = 15_000): Promise<Submitted> {
    const targets = cmd.target.kind === 'nodes' ? [...cmd.target.nodes] : []
    const rec: Submitted = { id: cmd.id, action: cmd.action, targets, via, ok: false }
    try {
      await this.controls.call(via, 'submit', { command: cmd }, timeoutMs)
      rec.ok = true
    } catch (err: any) {
      rec.code = typeof err?.code === 'string' ? err.code : String(err?.message ?? err)
    }
    this.log.push(rec)
    return rec
  }

  /** Builds and submits in one step. */
  async send (via: string, action: Action, target: Target, params: Record<string, unknown> = {}, opts: EnvelopeOptions = {}): Promise<Submitted> {
    return await this.submit(via, this.envelope(action, target, params, opts))
  }

  acknowledged (): Submitted[] {
    return this.log.filter((s) => s.ok)
  }
}

export const toNodes = (...ids: string[]): Target => ({ kind: 'nodes', nodes: ids })
