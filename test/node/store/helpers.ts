import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HybridClock } from '../../../protocol/hlc.js'
import type { CommandEnvelope, Heartbeat, NodeEvent, Register, UnsignedNodeEvent } from '../../../protocol/types.js'
import { createStore, type Store, type StoreInit } from '../../../node/store/index.js'

/** The store never verifies signatures (callers do before ingesting), so tests sign with a stub. */
export const stubSign = (u: UnsignedNodeEvent): NodeEvent => ({ ...u, sig: 'stub' }) as NodeEvent

export const dirs: string[] = []

export function tempDir (): string {
  const d = mkdtempSync(join(tmpdir(), 'slm-store-'))
  dirs.push(d)
  return d
}

export function cleanup (): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
}

export async function openStore (path = tempDir(), localId = 'local', extra: Partial<StoreInit> = {}): Promise<Store> {
  const s = createStore({ path, ...extra }, { clock: new HybridClock(), localId, sign: stubSign })
  await s.start()
  return s
}

export const hlc = (ms: number, counter = 0): string => `${String(ms).padStart(15, '0')}-${String(counter).padStart(6, '0')}`

export function ev (origin: string, seq: number, to = 'pending'): NodeEvent {
  return { v: 1, origin, seq, hlc: hlc(1_700_000_000_000 + seq), type: 'transition', body: { from: 'discovered', to: to as any, trigger: 'system' }, sig: 'stub' } as NodeEvent
}

export const cmd = (id: string, expiresAt = 2_000_000_000_000): CommandEnvelope => ({ v: 1, id, issuer: 'ed25519:k', issuedAt: hlc(1_700_000_000_000), expiresAt, target: { kind: 'all' }, action: 'admit', params: {}, comment: '', sig: 's' })

export const reg = (key: string, value: unknown, ms: number, id: string): Register => ({ key, value, hlc: hlc(ms), commandId: id })

export function heartbeat (origin: string, name: string, ms: number, extra: Partial<Heartbeat> = {}): Heartbeat {
  return {
    v: 1, origin, name, hlc: hlc(ms), seq: 0, intervalMs: 1000, addrs: [], tags: [], state: 'online',
    health: { hostname: name, os: 'linux', cpuPercent: 1, memoryPercent: 1, diskPercent: 1, loadAvg: [0, 0, 0], uptimeSeconds: 1, services: [], listeningPorts: [], checks: {}, collectedAt: ms },
    detectedRoles: {}, versions: {}, codeSourceCandidate: false, ...extra
  }
}

/** Applies items the way anti-entropy would: events that hit a gap are retried after the rest. */
export type Item = { k: 'e', v: NodeEvent } | { k: 'c', v: CommandEnvelope } | { k: 'r', v: Register }

export async function applyAll (s: Store, order: Item[]): Promise<void> {
  let pending = order
  for (let round = 0; round < 50 && pending.length > 0; round++) {
    const next: Item[] = []
    for (const it of pending) {
      if (it.k === 'e') {
        const r = await s.ingestEvents([it.v])
        if (r.gaps > 0) next.push(it)
      } else if (it.k === 'c') await s.putCommand(it.v)
      else await s.applyRegister(it.v)
    }
    pending = next
  }
  if (pending.length > 0) throw new Error(`${pending.length} items never applied`)
}
