import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HybridClock } from '../../../protocol/hlc.js'
import type { NodeEvent, UnsignedNodeEvent } from '../../../protocol/types.js'
import { createStore, type Store } from '../../../node/store/index.js'

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

export async function openStore (path = tempDir(), localId = 'local', extra: Partial<Parameters<typeof createStore>[0]> = {}): Promise<Store> {
  const s = createStore({ path, ...extra }, { clock: new HybridClock(), localId, sign: stubSign })
  await s.start()
  return s
}

export function ev (origin: string, seq: number, to = 'pending'): NodeEvent {
  const ms = 1_700_000_000_000 + seq
  return { v: 1, origin, seq, hlc: `${String(ms).padStart(15, '0')}-000000`, type: 'transition', body: { from: 'discovered', to: to as any, trigger: 'system' }, sig: 'stub' } as NodeEvent
}
