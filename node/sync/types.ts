import type { CommandEnvelope, NodeEvent, SyncDigest } from '../../protocol/types.js'

/** What anti-entropy needs from the replica (the daemon adapts the store to this). */
export interface SyncStore {
  syncDigest: () => SyncDigest
  eventsFrom: (origin: string, fromSeq: number, limit: number) => NodeEvent[]
  /** Stores verified remote events; `snapshot` allows starting past a pruned gap. */
  ingestEvents: (events: NodeEvent[], opts: { snapshot: boolean }) => Promise<{ stored: number }>
  commandIds: () => string[]
  commandsExcept: (have: ReadonlySet<string>, limit: number) => { commands: CommandEnvelope[], more: boolean }
}

/** Commands pulled from a peer go through the same checks as gossiped ones. */
export type CommandSink = (command: CommandEnvelope, source: string) => Promise<void>
