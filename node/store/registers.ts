/**
 * Fleet data: last-writer-wins registers ordered by (HLC, command id). The order is total, so
 * replicas agree whatever order the writes arrive in; deletion writes a tombstone (value null) so
 * a late, older write cannot resurrect the key.
 */
import { compareHlc } from '../../protocol/hlc.js'
import type { MaintenanceWindow, Register, RoleDefinition, TrustEntry } from '../../protocol/types.js'
import { itemHash } from './digest.js'
import type { Dbs } from './open.js'
import type { ReplicaState } from './state.js'

/** Does `a` win over `b`? Pure: the whole merge rule of fleet data. */
export function newer (a: Pick<Register, 'hlc' | 'commandId'>, b: Pick<Register, 'hlc' | 'commandId'>): boolean {
  const c = compareHlc(a.hlc, b.hlc)
  return c > 0 || (c === 0 && a.commandId > b.commandId)
}

/** Inside a write transaction: stores `reg` if it wins; true if it did. */
export function applyRegister (dbs: Dbs, state: ReplicaState, reg: Register, h: Uint8Array): boolean {
  const cur = dbs.registers.get(reg.key)
  if (cur != null) {
    if (!newer(reg, cur)) return false
    state.d.registers.replace(itemHash(cur), h)
  } else {
    state.d.registers.add(h)
  }
  dbs.registers.put(reg.key, reg)
  return true
}

export function listRegisters (dbs: Dbs, prefix: string): Register[] {
  const out: Register[] = []
  for (const { key, value } of dbs.registers.getRange({ start: prefix })) {
    if (!key.startsWith(prefix)) break
    out.push(value)
  }
  return out
}

export function trustList (dbs: Dbs): TrustEntry[] {
  return listRegisters(dbs, 'trust/').filter(r => r.value != null).map(r => r.value as TrustEntry)
}

/** Defaults merged under the role registers; a deleted default stays deleted (its tombstone). */
export function roles (dbs: Dbs, defaults: readonly RoleDefinition[]): RoleDefinition[] {
  const byName = new Map(defaults.map(r => [r.name, r]))
  for (const r of listRegisters(dbs, 'role/')) {
    const name = r.key.slice('role/'.length)
    if (r.value == null) byName.delete(name)
    else byName.set(name, r.value as RoleDefinition)
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name))
}

export function windows (dbs: Dbs): MaintenanceWindow[] {
  return listRegisters(dbs, 'window/').filter(r => r.value != null).map(r => r.value as MaintenanceWindow).sort((a, b) => a.start - b.start)
}
