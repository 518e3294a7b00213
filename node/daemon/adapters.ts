/**
 * Narrow views of the store for the command processor and anti-entropy, so each depends only on
 * what it uses (STYLE 2: collaborators apart).
 */
import type { CommandEnvelope } from '../../protocol/types.js'
import type { CommandStore } from '../commands/index.js'
import type { SyncStore } from '../sync/index.js'
import type { Daemon } from './daemon.js'

export function commandStoreOf (d: Daemon): CommandStore {
  return {
    // Every command is checked against its issuer: a lookup by key, not a scan of the trust list.
    trust: (key) => d.store.trustEntry(key),
    trustList: () => d.store.trustList(),
    hasSeen: (id) => d.store.hasSeen(id),
    putCommand: async (cmd, lazyMs) => { await d.store.putCommand(cmd, lazyMs) },
    getRegisterValue: (key) => d.store.getRegister(key)?.value,
    applyRegister: async (reg) => await d.store.applyRegister(reg),
    recordResult: async (cmd, status, reason) => {
      await d.self.record('command_result', { commandId: cmd.id, action: cmd.action, status, ...(reason != null ? { reason: reason.slice(0, 1000) } : {}) })
    }
  }
}

export function syncStoreOf (d: Daemon): SyncStore {
  return {
    syncDigest: () => d.store.syncDigest(),
    eventsFrom: (origin, fromSeq, limit) => d.store.eventsFrom(origin, fromSeq, limit),
    ingestEvents: async (events, opts) => await d.store.ingestEvents(events, opts),
    commandIds: () => d.store.commandIds(),
    commandsExcept: (have, limit) => {
      const out: CommandEnvelope[] = []
      let more = false
      for (const cmd of d.store.listCommands()) {
        if (have.has(cmd.id)) continue
        if (out.length >= limit) { more = true; break }
        out.push(cmd)
      }
      return { commands: out, more }
    }
  }
}
