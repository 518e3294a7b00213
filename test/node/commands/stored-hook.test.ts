/**
 * CommandProcessor's onStored: called once a command is stored (and its fleet data written), before
 * this node applies it. The daemon gossips a local command there, so the members get it before the
 * events of its application and hold their copy (a bystander's) until those arrive, storing both in
 * one transaction. A command refused by the checks, or by the last-admin guard, is never reported.
 */
import { describe, expect, it } from 'vitest'
import { CommandProcessor, type CommandStore, type ReceiveSource } from '../../../node/commands/index.js'
import type { CommandEnvelope, TrustEntry } from '../../../protocol/types.js'
import { NODE_A, OPERATOR, OTHER_OPERATOR, T0, sampleCommand } from '../../protocol/samples.js'

const ADMIN: TrustEntry = { key: OPERATOR.publicKey, name: 'alice', role: 'admin' }

function harness (): { p: CommandProcessor, log: string[] } {
  const log: string[] = []
  const store: CommandStore = {
    trust: (k) => k === ADMIN.key ? ADMIN : undefined,
    trustList: () => [ADMIN],
    hasSeen: () => false,
    putCommand: async (c) => { await Promise.resolve(); log.push(`stored ${c.action}`) },
    getRegisterValue: () => undefined,
    applyRegister: async () => true,
    recordResult: async (c, status) => { log.push(`result ${c.action} ${status}`) }
  }
  const p = new CommandProcessor({
    store,
    self: () => ({ id: NODE_A.nodeId, name: 'web-1', roles: [], tags: [] }),
    applyNodeAction: async (c) => { log.push(`applied ${c.action}`); return { status: 'applied' } },
    onStored: (c: CommandEnvelope, source: ReceiveSource) => { log.push(`onStored ${c.action} ${source}`) },
    onReject: (code) => { log.push(`rejected ${code}`) },
    now: () => T0,
    skewMs: 30_000
  })
  return { p, log }
}

describe('CommandProcessor onStored', () => {
  it('reports a command after it is stored and before this node applies it', async () => {
    const h = harness()
    const res = await h.p.receive(sampleCommand({ action: 'maintenance_enter' }), 'local')
    expect(res.ok).toBe(true)
    const at = (s: string): number => h.log.indexOf(s)
    expect(at('stored maintenance_enter')).toBeGreaterThanOrEqual(0)
    expect(at('onStored maintenance_enter local')).toBeGreaterThan(at('stored maintenance_enter'))
    expect(at('applied maintenance_enter')).toBeGreaterThan(at('onStored maintenance_enter local'))
    expect(h.log.filter((l) => l.startsWith('onStored'))).toHaveLength(1)
  })

  it('says where the command came from', async () => {
    const h = harness()
    await h.p.receive(sampleCommand({ action: 'tag_add' }), 'gossip')
    expect(h.log).toContain('onStored tag_add gossip')
  })

  it('never reports a command the checks refuse', async () => {
    const h = harness()
    const forged = { ...sampleCommand(), sig: sampleCommand({ comment: 'other' }).sig }
    expect((await h.p.receive(forged, 'local')).ok).toBe(false)
    // Well signed, by a key the trust list does not hold.
    expect((await h.p.receive(sampleCommand({ issuer: OTHER_OPERATOR.publicKey }, OTHER_OPERATOR.privateKeyPem), 'local')).ok).toBe(false)
    expect(h.log).toEqual(['rejected bad_signature', 'rejected unknown_issuer'])
  })

  it('never reports a command refused for removing the last admin (stored for the audit trail only)', async () => {
    const h = harness()
    const res = await h.p.receive(sampleCommand({ action: 'trust_remove', target: { kind: 'all' }, params: { key: OPERATOR.publicKey } }), 'local')
    expect(res.ok).toBe(false)
    expect(h.log).toContain('stored trust_remove')
    expect(h.log.some((l) => l.startsWith('onStored'))).toBe(false)
  })
})
