import type { HistoryItem, Page, ReplicaChange } from '../../protocol/control.js'
import type { Assignments } from './nodes.js'
import type {
  CommandEnvelope, EventBodies, EventType, Heartbeat, Hlc, WireHeartbeat, MaintenanceWindow, NodeEvent, NodeId,
  NodeState, Register, RoleDefinition, SyncDigest, TrustEntry, UnsignedNodeEvent
} from '../../protocol/types.js'

export interface StoreInit {
  /** Directory of the LMDB environment (created if missing). */
  path: string
  retention?: {
    /**
     * Events kept per origin; older ones are pruned (their transitions stay in history).
     * Every replica should use the same value: the replica digest covers retained events only.
     * @default 10000
     */
    maxEventsPerOrigin?: number
  }
  /** Role definitions every replica starts with (the seed defaults); role registers override them. @default [] */
  defaultRoles?: RoleDefinition[]
  /** Trust entries from `slm init --admin-pubkey`, at HLC zero so any signed command overrides them. @default [] */
  bootstrapTrust?: TrustEntry[]
}

export interface StoreComponents {
  clock: { now: () => Hlc, witness: (h: Hlc) => void }
  localId: NodeId
  /**
   * Signs our own events. Called in seq order outside the write transaction; may return a promise
   * (a signer on a worker thread), the store still writes the events in seq order.
   */
  sign: (unsigned: UnsignedNodeEvent) => NodeEvent | Promise<NodeEvent>
  /** Told of every failed write batch (the daemon finishes interrupted work once writes succeed). */
  onWriteFailure?: (failure: StoreWriteFailure) => void
}

/** What the replica persists per node, derived only from that node's own events. */
export interface StoredNode {
  id: NodeId
  name: string
  state: NodeState
  /** Highest seq folded in. */
  seq: number
  installAttempts: number
  lastError?: string
  transitions: number
  /** Running commit per role, from the node's own `code_report` events. */
  versions: Record<string, string>
}

/** Internal node bookkeeping; the public NodeView (protocol/control.ts) is built from it in node/daemon. */
export interface NodeRecord extends StoredNode {
  /** ms since epoch of the last heartbeat received (not replicated: heartbeats are ephemeral). */
  lastHeartbeat: number | null
  heartbeat: Heartbeat | null
  /** From `assign/…` registers. */
  assignedRoles: string[]
  /** Heartbeat tags plus `tag/…` registers. */
  tags: string[]
  /** Effective roles: assigned plus detected-active. */
  roles: string[]
}

export interface IngestResult { stored: number, duplicates: number, gaps: number }

export interface StoreStats {
  nodes: number
  byState: Record<string, number>
  byRole: Record<string, number>
  /** Number of role definitions (defaults merged with role registers). */
  roles: number
  transitions: number
  events: number
  commands: number
  registers: number
}

/** What a far-behind peer receives instead of replaying history it can no longer get. */
export interface StoreSnapshot {
  v: 1
  registers: Register[]
  commands: CommandEnvelope[]
  /** The retained tail of every origin, in (origin, seq) order. */
  events: NodeEvent[]
  /** Derived records, so a node whose tail holds no transition still shows its state. */
  nodes: StoredNode[]
  history: Array<{ node: NodeId, item: HistoryItem }>
}

export interface StoreEvents {
  change: CustomEvent<ReplicaChange>
}

/** The last write that failed (disk full, I/O error); cleared by the next durable write. */
export interface StoreWriteFailure {
  code: string
  message: string
  at: number
  /** Failed batches since the last success. */
  count: number
}

export interface Store {
  start: () => Promise<void>
  stop: () => Promise<void>
  /** Null while writes succeed. */
  writeFailure: () => StoreWriteFailure | null

  appendLocal: <T extends EventType>(type: T, body: EventBodies[T]) => Promise<NodeEvent>
  ingestEvents: (events: NodeEvent[], opts?: { snapshot?: boolean }) => Promise<IngestResult>
  eventsFrom: (origin: NodeId, fromSeq: number, limit: number) => NodeEvent[]
  maxSeq: (origin: NodeId) => number

  /** A full or brief heartbeat (a brief one is completed from the origin's last one). */
  applyHeartbeat: (hb: WireHeartbeat, receivedAt: number) => Promise<void>
  /** Every node id the replica knows (stored or heard), without building their records. */
  nodeIds: () => Set<NodeId>
  /** A node's latest heartbeat and when it arrived (ms), without building its record. */
  lastBeat: (id: NodeId) => { hb: Heartbeat, at: number } | undefined
  getNode: (idOrName: string) => NodeRecord | undefined
  listNodes: (filter?: { state?: NodeState, role?: string }) => NodeRecord[]
  history: (nodeId: NodeId, page: { limit: number, offset: number }) => Page<HistoryItem>

  /** `lazyMs`: no hurry, it rides with the next write or goes within that many ms (writer.ts). */
  putCommand: (cmd: CommandEnvelope, lazyMs?: number) => Promise<boolean>
  getCommand: (id: string) => CommandEnvelope | undefined
  /** Commands in id (ULID, so issue-time) order, after `after` if given. */
  listCommands: (opts?: { after?: string, limit?: number }) => CommandEnvelope[]
  commandIds: () => string[]
  hasSeen: (id: string) => boolean
  markSeen: (id: string, expiresAt: number) => Promise<void>
  /** Drops seen-set entries that expired before `now`; returns how many. */
  pruneSeen: (now: number) => Promise<number>

  applyRegister: (reg: Register) => Promise<boolean>
  getRegister: (key: string) => Register | undefined
  listRegisters: (prefix: string) => Register[]
  /** The live `assign/` and `tag/` entries (entry and role or tag name), cached until fleet data changes. */
  assignments: () => Assignments
  trustList: () => TrustEntry[]
  /** The trust entry of one operator key, if trusted. */
  trustEntry: (key: string) => TrustEntry | undefined
  roles: () => readonly RoleDefinition[]
  windows: () => readonly MaintenanceWindow[]

  stats: () => StoreStats
  syncDigest: () => SyncDigest
  replicaDigest: () => string
  recomputeReplicaDigest: () => string
  exportSnapshot: () => StoreSnapshot
  importSnapshot: (snap: StoreSnapshot) => Promise<IngestResult>
  sizeBytes: () => number
  /** Write transactions committed since the store opened. */
  commits: () => number

  /** Every stored change (events, commands, registers, heartbeats); returns the unsubscribe. */
  onChange: (fn: (change: ReplicaChange) => void) => () => void
  addEventListener: <K extends keyof StoreEvents>(type: K, listener: (evt: StoreEvents[K]) => void) => void
  removeEventListener: <K extends keyof StoreEvents>(type: K, listener: (evt: StoreEvents[K]) => void) => void
}
