import type { HistoryItem, Page, ReplicaChange } from '../../protocol/control.js'
import type {
  CommandEnvelope, EventBodies, EventType, Heartbeat, Hlc, MaintenanceWindow, NodeEvent, NodeId,
  NodeState, Register, RoleDefinition, SyncDigest, TrustEntry, UnsignedNodeEvent
} from '../../protocol/types.js'

export interface StoreInit {
  /** Directory of the LMDB environment. */
  path: string
  retention?: {
    /** Events kept per origin; older ones are pruned (their transitions stay in history). @default 10000 */
    maxEventsPerOrigin?: number
  }
  /** Role definitions every replica starts with (seed defaults); role registers override them. */
  defaultRoles?: RoleDefinition[]
  /** Trust entries from `slm init --admin-pubkey`, at HLC zero so any signed command overrides them. */
  bootstrapTrust?: TrustEntry[]
}

export interface StoreComponents {
  clock: { now: () => Hlc, witness: (h: Hlc) => void }
  localId: NodeId
  /** Signs our own events (synchronously, inside the write transaction). */
  sign: (unsigned: UnsignedNodeEvent) => NodeEvent
}

/** Internal node bookkeeping; the public NodeView is built from it in node/daemon. */
export interface NodeRecord {
  id: NodeId
  name: string
  state: NodeState
  seq: number
  installAttempts: number
  lastError?: string
  lastHeartbeat: number | null
  heartbeat: Heartbeat | null
  transitions: number
}

export interface IngestResult { stored: number, duplicates: number, gaps: number }

export interface StoreStats {
  nodes: number
  byState: Record<string, number>
  byRole: Record<string, number>
  roles: number
  transitions: number
  events: number
  commands: number
}

export interface Store {
  start: () => Promise<void>
  stop: () => Promise<void>
  appendLocal: <T extends EventType>(type: T, body: EventBodies[T]) => Promise<NodeEvent>
  ingestEvents: (events: NodeEvent[], opts?: { snapshot?: boolean }) => Promise<IngestResult>
  eventsFrom: (origin: NodeId, fromSeq: number, limit: number) => NodeEvent[]
  maxSeq: (origin: NodeId) => number
  applyHeartbeat: (hb: Heartbeat, receivedAt: number) => Promise<void>
  getNode: (idOrName: string) => NodeRecord | undefined
  listNodes: (filter?: { state?: NodeState }) => NodeRecord[]
  history: (nodeId: NodeId, page: { limit: number, offset: number }) => Page<HistoryItem>
  putCommand: (cmd: CommandEnvelope) => Promise<void>
  getCommand: (id: string) => CommandEnvelope | undefined
  listCommands: () => CommandEnvelope[]
  commandIds: () => string[]
  hasSeen: (id: string) => boolean
  applyRegister: (reg: Register) => Promise<boolean>
  getRegister: (key: string) => Register | undefined
  listRegisters: (prefix: string) => Register[]
  trustList: () => TrustEntry[]
  roles: () => RoleDefinition[]
  windows: () => MaintenanceWindow[]
  stats: () => StoreStats
  syncDigest: () => SyncDigest
  replicaDigest: () => string
  recomputeReplicaDigest: () => string
  sizeBytes: () => number
  /** Every stored change (events, commands, registers, heartbeats); returns the unsubscribe. */
  onChange: (fn: (change: ReplicaChange) => void) => () => void
}
