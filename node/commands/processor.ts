/**
 * Receives operator commands from every path (control socket, gossip, anti-entropy), runs the
 * checks, stores accepted ones with their seen-set entry, writes fleet data, and hands node-scoped
 * actions that target this node to the lifecycle. Results are recorded as node events.
 */
import type { CommandEnvelope, CommandResultStatus, Register, TrustEntry } from '../../protocol/types.js'
import { checkCommand, type CheckResult, type RejectCode } from './check.js'
import { fleetWrites } from './fleet.js'
import { NODE_ACTIONS } from './policy.js'
import { matchesTarget, type TargetSubject } from './target.js'

export interface CommandStore {
  trust: (key: string) => TrustEntry | undefined
  trustList: () => TrustEntry[]
  hasSeen: (id: string) => boolean
  /** Stores the command and its seen-set entry in one transaction; `lazyMs`: ReceiveOptions. */
  putCommand: (cmd: CommandEnvelope, lazyMs?: number) => Promise<void>
  getRegisterValue: (key: string) => unknown
  applyRegister: (reg: Register) => Promise<boolean>
  recordResult: (cmd: CommandEnvelope, status: CommandResultStatus, reason?: string) => Promise<void>
}

export interface NodeActionOutcome { status: 'applied' | 'failed' | 'rejected', reason?: string }

/** What this node's own log says about a command, for `recover`. */
export interface RecoveryView {
  /**
   * `final`: applied, failed or rejected (or not ours to judge); `accepted`: only accepted;
   * `none`: no result from us.
   */
  answered: (cmd: CommandEnvelope) => 'none' | 'accepted' | 'final'
  /** Whether one of our transitions carries this command id. */
  transitioned: (commandId: string) => boolean
}

export interface RecoveryResult { registers: number, answered: number }

export interface CommandProcessorComponents {
  store: CommandStore
  self: () => TargetSubject
  /** Applies a node-scoped action to this node's lifecycle. */
  applyNodeAction: (cmd: CommandEnvelope, issuer: TrustEntry) => Promise<NodeActionOutcome>
  /** Called after fleet data changed (e.g. new desired code or window). */
  onFleetChange?: (regs: Register[]) => void
  /**
   * A command is stored with its fleet data, and this node has not yet applied it (the daemon
   * gossips a local command from here: before its application's events, or with them).
   */
  onStored?: (cmd: CommandEnvelope, source: ReceiveSource) => void
  onReject: (code: RejectCode, cmd?: CommandEnvelope) => void
  /**
   * Runs a node action's steps (accepted, its transitions, the final result) so that the events
   * they write are gossiped together, once it is done. @default runs `fn` as is
   */
  batch?: <T>(fn: () => Promise<T>) => Promise<T>
  now?: () => number
  skewMs: number
}

export type ReceiveSource = 'local' | 'gossip' | 'sync'

export interface ReceiveOptions {
  /**
   * Store it with the next write, or within this many ms (store/writer.ts `lazyMs`): for a copy
   * nobody here waits for (bystander.ts), so it costs no commit of its own.
   */
  lazyStoreMs?: number
}

/** Fleet actions whose target is the whole fleet record their result once, on the accepting node. */
const GLOBAL_FLEET_ACTIONS = new Set(['trust_add', 'trust_remove', 'role_define', 'role_delete', 'admission_policy', 'code_source_pin', 'code_source_unpin', 'code_pause', 'code_resume', 'code_rollback', 'maintenance_cancel'])

export class CommandProcessor {
  private readonly c: CommandProcessorComponents
  /** Applications to this node run one at a time, in the order commands arrived. */
  private applyChain: Promise<unknown> = Promise.resolve()
  /** Ids being processed now, so a duplicate arriving meanwhile is not applied twice. */
  private readonly inflight = new Set<string>()

  constructor (components: CommandProcessorComponents) {
    this.c = components
  }

  /**
   * Checks and stores concurrently (lmdb-js folds concurrent writes into one durable transaction,
   * so a burst of commands costs one fsync per batch) while applications to this node keep their
   * arrival order.
   */
  async receive (raw: unknown, source: ReceiveSource, opts: ReceiveOptions = {}): Promise<CheckResult> {
    const prev = this.applyChain
    let release!: () => void
    this.applyChain = new Promise<void>((resolve) => { release = resolve })
    try {
      return await this.process(raw, source, prev, opts)
    } finally {
      release()
    }
  }

  private async process (raw: unknown, source: ReceiveSource, turn: Promise<unknown>, opts: ReceiveOptions): Promise<CheckResult> {
    const now = this.c.now?.() ?? Date.now()
    const seen = (id: string): boolean => this.inflight.has(id) || this.c.store.hasSeen(id)
    const res = checkCommand(raw, { trust: this.c.store.trust, seen, now, skewMs: this.c.skewMs })
    if (!res.ok) {
      // Duplicates are normal with gossip plus anti-entropy; only a local re-submit is an error.
      if (res.code !== 'replayed' || source === 'local') this.c.onReject(res.code, res.command)
      return res
    }
    const { command, issuer } = res
    this.inflight.add(command.id)
    try {
      const lastAdmin = this.removesLastAdmin(command)
      await this.c.store.putCommand(command, opts.lazyStoreMs)
      if (lastAdmin != null) {
        if (source === 'local') await this.c.store.recordResult(command, 'rejected', lastAdmin)
        return { ok: false, code: 'forbidden', message: lastAdmin, command }
      }
      const regs = fleetWrites(command, this.c.store.getRegisterValue)
      const won = (await Promise.all(regs.map(async r => await this.c.store.applyRegister(r) ? r : null))).filter((r): r is Register => r != null)
      if (won.length > 0) this.c.onFleetChange?.(won)
      this.c.onStored?.(command, source)
      await turn.catch(() => {})
      await this.applyHere(command, issuer, source)
      return res
    } finally {
      this.inflight.delete(command.id)
    }
  }

  /**
   * Finishes what stored commands left undone on this replica: a command is stored (and marked
   * seen) before its register writes and this node's results, so a kill -9 or a failed write (a
   * full disk) in between would leave it half applied for good — a repeat of it is a replay and
   * refused. Run at start and once writes succeed again. Register writes are last-writer-wins and
   * so idempotent; a fleet write aimed at this node that it never answered is recorded applied; a
   * node action this node never answered runs now (in issue order), and one it accepted whose
   * transition is already in our log is recorded as applied. Expired node actions this node never
   * answered are left alone, as for a node that was offline until they expired.
   */
  async recover (stored: CommandEnvelope[], ours: RecoveryView, issuerOf: (cmd: CommandEnvelope) => TrustEntry | undefined): Promise<RecoveryResult> {
    const out: RecoveryResult = { registers: 0, answered: 0 }
    const now = this.c.now?.() ?? Date.now()
    const sorted = [...stored].sort((a, b) => a.issuedAt < b.issuedAt ? -1 : a.issuedAt > b.issuedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
    const won: Register[] = []
    for (const cmd of sorted) {
      for (const r of fleetWrites(cmd, this.c.store.getRegisterValue)) {
        if (await this.c.store.applyRegister(r)) { won.push(r); out.registers++ }
      }
    }
    if (won.length > 0) this.c.onFleetChange?.(won)
    const self = this.c.self()
    for (const cmd of sorted) {
      if (!matchesTarget(cmd.target, self) || this.inflight.has(cmd.id)) continue
      const answered = ours.answered(cmd)
      if (answered === 'final') continue
      if (!NODE_ACTIONS.has(cmd.action)) {
        // A fleet write aimed at this node (tag add/remove, role assign): its registers were
        // applied above, so it is applied here; only its result was lost. Fleet-wide ones answer
        // on the node that accepted them, not here.
        if (GLOBAL_FLEET_ACTIONS.has(cmd.action) || cmd.target.kind === 'all' || answered !== 'none') continue
        await this.c.store.recordResult(cmd, 'applied')
        out.answered++
        continue
      }
      const issuer = issuerOf(cmd)
      if (issuer == null) continue
      const expired = now > cmd.expiresAt + this.c.skewMs
      if (answered === 'none' && expired) continue
      const prev = this.applyChain
      let release!: () => void
      this.applyChain = new Promise<void>((resolve) => { release = resolve })
      this.inflight.add(cmd.id)
      try {
        await prev.catch(() => {})
        if (answered === 'accepted' && ours.transitioned(cmd.id)) await this.c.store.recordResult(cmd, 'applied')
        else if (answered === 'accepted' && expired) await this.c.store.recordResult(cmd, 'failed', 'interrupted before it completed, and expired since')
        else await this.applyHere(cmd, issuer, 'sync', answered === 'accepted')
        out.answered++
      } finally {
        this.inflight.delete(cmd.id)
        release()
      }
    }
    return out
  }

  private async applyHere (command: CommandEnvelope, issuer: TrustEntry, source: ReceiveSource, alreadyAccepted = false): Promise<void> {
    const self = this.c.self()
    if (NODE_ACTIONS.has(command.action)) {
      if (!matchesTarget(command.target, self)) return
      const steps = async (): Promise<void> => {
        if (!alreadyAccepted) await this.c.store.recordResult(command, 'accepted')
        const out = await this.c.applyNodeAction(command, issuer)
        await this.c.store.recordResult(command, out.status, out.reason)
      }
      await (this.c.batch?.(steps) ?? steps())
      return
    }
    const global = GLOBAL_FLEET_ACTIONS.has(command.action) || command.target.kind === 'all'
    if (global ? source === 'local' : matchesTarget(command.target, self)) {
      await this.c.store.recordResult(command, 'applied')
    }
  }

  private removesLastAdmin (cmd: CommandEnvelope): string | null {
    if (cmd.action !== 'trust_remove') return null
    const key = (cmd.params as { key?: string }).key
    const admins = this.c.store.trustList().filter(t => t.role === 'admin')
    if (admins.length === 1 && admins[0].key === key) return 'the last admin cannot be removed'
    return null
  }
}
