/**
 * CommandProcessor.recover: a command is stored (and so seen: a repeat is a replay) before its
 * register writes and this node's results, so a kill -9 or a failed write in between would leave
 * it half applied for good. Recovery finishes it: register writes again (LWW, idempotent), node
 * actions this node never answered run, accepted ones whose transition is already logged are
 * recorded as applied, and nothing already answered runs twice.
 */
import { describe, expect, it } from 'vitest'
import { CommandProcessor, type CommandStore, type RecoveryView } from '../../../node/commands/index.js'
import type { CommandEnvelope, CommandResultStatus, Register, TrustEntry } from '../../../protocol/types.js'

const SELF = { id: 'me', name: 'n1', roles: [], tags: [] }
const ADMIN: TrustEntry = { key: 'ed25519:k', name: 'alice', role: 'admin' }

let seq = 0
function cmd (action: CommandEnvelope['action'], params: Record<string, unknown> = {}, over: Partial<CommandEnvelope> = {}): CommandEnvelope {
  seq++
  return {
    v: 1, id: `01JZZZZZZZZZZZZZZZZZZZZZ${String(seq).padStart(2, '0')}`, issuer: ADMIN.key, issuedAt: `00000170000000${seq}-000000`.slice(-22).padStart(22, '0'),
    expiresAt: Date.now() + 3_600_000, target: { kind: 'nodes', nodes: ['me'] }, action, params, comment: '', sig: '', ...over
  }
}

function harness (): { p: CommandProcessor, registers: Map<string, Register>, results: Array<[string, CommandResultStatus]>, applied: string[] } {
  const registers = new Map<string, Register>()
  const results: Array<[string, CommandResultStatus]> = []
  const applied: string[] = []
  const store: CommandStore = {
    trust: (k) => k === ADMIN.key ? ADMIN : undefined,
    trustList: () => [ADMIN],
    hasSeen: () => true,
    putCommand: async () => {},
    getRegisterValue: (key) => registers.get(key)?.value,
    applyRegister: async (r) => {
      const cur = registers.get(r.key)
      if (cur != null && (cur.hlc > r.hlc || (cur.hlc === r.hlc && cur.commandId >= r.commandId))) return false
      registers.set(r.key, r)
      return true
    },
    recordResult: async (c, status) => { results.push([c.id, status]) }
  }
  const p = new CommandProcessor({
    store,
    self: () => SELF,
    applyNodeAction: async (c) => { applied.push(c.id); return { status: 'applied' } },
    onReject: () => {},
    skewMs: 30_000
  })
  return { p, registers, results, applied }
}

describe('CommandProcessor.recover', () => {
  it('writes the registers a stored command never wrote, once', async () => {
    const h = harness()
    const tag = cmd('tag_add', { tag: 'gpu' })
    const view: RecoveryView = { answered: () => 'final', transitioned: () => false }
    expect(await h.p.recover([tag], view, () => ADMIN)).toEqual({ registers: 1, answered: 0 })
    expect(h.registers.get('tag/me/gpu')?.value).toBe(true)
    expect(await h.p.recover([tag], view, () => ADMIN)).toEqual({ registers: 0, answered: 0 })
  })

  it('records a fleet write aimed at this node as applied when its result was lost (crash storm: 20 replicas waited on it)', async () => {
    const h = harness()
    const tag = cmd('tag_add', { tag: 'gpu' })
    const everyone = cmd('tag_add', { tag: 'all' }, { target: { kind: 'all' } })
    const other = cmd('tag_add', { tag: 'x' }, { target: { kind: 'nodes', nodes: ['someone-else'] } })
    const res = await h.p.recover([tag, everyone, other], { answered: () => 'none', transitioned: () => false }, () => ADMIN)
    expect(h.results).toEqual([[tag.id, 'applied']])
    expect(res.answered).toBe(1)
    expect(h.applied).toEqual([])
    // Answered already: nothing more.
    const again = harness()
    await again.p.recover([tag], { answered: () => 'final', transitioned: () => false }, () => ADMIN)
    expect(again.results).toEqual([])
  })

  it('runs node actions this node never answered, in issue order, and leaves answered ones alone', async () => {
    const h = harness()
    const a = cmd('maintenance_enter', { type: 'planned', reason: 'x' })
    const b = cmd('maintenance_exit')
    const done = cmd('maintenance_enter', { type: 'planned', reason: 'y' })
    const status: Record<string, 'none' | 'accepted' | 'final'> = { [a.id]: 'none', [b.id]: 'none', [done.id]: 'final' }
    const res = await h.p.recover([b, done, a], { answered: (c) => status[c.id], transitioned: () => false }, () => ADMIN)
    expect(res.answered).toBe(2)
    expect(h.applied).toEqual([a.id, b.id])
    expect(h.results).toEqual([[a.id, 'accepted'], [a.id, 'applied'], [b.id, 'accepted'], [b.id, 'applied']])
  })

  it('records applied for an accepted action whose transition is already in our log, without running it again', async () => {
    const h = harness()
    const a = cmd('maintenance_enter', { type: 'planned', reason: 'x' })
    await h.p.recover([a], { answered: () => 'accepted', transitioned: (id) => id === a.id }, () => ADMIN)
    expect(h.applied).toEqual([])
    expect(h.results).toEqual([[a.id, 'applied']])
  })

  it('resumes an accepted action that never moved, without a second accepted', async () => {
    const h = harness()
    const a = cmd('maintenance_exit')
    await h.p.recover([a], { answered: () => 'accepted', transitioned: () => false }, () => ADMIN)
    expect(h.applied).toEqual([a.id])
    expect(h.results).toEqual([[a.id, 'applied']])
  })

  it('leaves expired unanswered commands alone and closes expired interrupted ones as failed', async () => {
    const h = harness()
    const old = cmd('maintenance_exit', {}, { expiresAt: Date.now() - 3_600_000 })
    const interrupted = cmd('maintenance_exit', {}, { expiresAt: Date.now() - 3_600_000 })
    await h.p.recover([old, interrupted], { answered: (c) => c.id === old.id ? 'none' : 'accepted', transitioned: () => false }, () => ADMIN)
    expect(h.applied).toEqual([])
    expect(h.results).toEqual([[interrupted.id, 'failed']])
  })

  it('skips commands for other nodes and commands whose issuer is no longer trusted', async () => {
    const h = harness()
    const other = cmd('maintenance_exit', {}, { target: { kind: 'nodes', nodes: ['someone-else'] } })
    const untrusted = cmd('maintenance_exit')
    await h.p.recover([other, untrusted], { answered: () => 'none', transitioned: () => false }, (c) => c.id === untrusted.id ? undefined : ADMIN)
    expect(h.applied).toEqual([])
  })
})
