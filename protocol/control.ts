/**
 * The local control protocol between a daemon and its clients (the CLI and the TUI), spoken over a
 * Unix socket in the state dir as newline-delimited JSON. One request per line; the daemon answers
 * each with one response line, or for `subscribe` with a stream of `ControlPush` lines.
 */
import type {
  CommandEnvelope,
  CommandResultStatus,
  DesiredCode,
  DetectedRole,
  EventType,
  Health,
  Hlc,
  Lease,
  Liveness,
  MaintenanceWindow,
  NodeEvent,
  NodeId,
  NodeState,
  RoleDefinition,
  TrustEntry
} from './types.js'

export const CONTROL_SOCKET_NAME = 'control.sock'

export type ControlMethod =
  | 'status'
  | 'nodes'
  | 'node'
  | 'history'
  | 'audit'
  | 'subscribe'
  | 'unsubscribe'
  | 'submit'
  | 'results'
  | 'roles'
  | 'trust'
  | 'windows'
  | 'code.notify'
  | 'code.log'
  | 'code.status'
  | 'codeSource'
  | 'test.block'
  | 'test.breakGossip'

export interface ControlRequest {
  id: number
  method: ControlMethod
  params?: Record<string, unknown>
}

export type ControlResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: string; message: string } }

/** Pushed on a `subscribe` stream. */
export interface ControlPush {
  id: number
  push: ReplicaChange
}

/** Changes that come every heartbeat interval rather than with replica data: subscribers that only want the latter skip them (`skipKinds`). */
export const PERIODIC_KINDS: ReadonlyArray<ReplicaChange['kind']> = ['heartbeat', 'liveness']

/** One stored replica change, as `slm events --follow --json` prints it. */
export interface ReplicaChange {
  /** Local receive time, ms since epoch. */
  receivedAt: number
  kind: 'event' | 'command' | 'register' | 'heartbeat' | 'liveness'
  origin: NodeId | string
  seq: number | null
  type: EventType | string
  event?: NodeEvent
  command?: CommandEnvelope
  key?: string
  value?: unknown
  liveness?: Liveness
}

export interface NodeView {
  id: NodeId
  name: string
  state: NodeState
  liveness: Liveness
  /** Effective roles: assigned override detected. */
  roles: string[]
  assignedRoles: string[]
  detectedRoles: Record<string, DetectedRole>
  tags: string[]
  versions: Record<string, string>
  /** ms since epoch of the last heartbeat received, null if never. */
  lastHeartbeat: number | null
  health: Health | null
  addrs: string[]
  seq: number
  installAttempts: number
  lastError?: string
  isCodeSource: boolean
  codeSourceCandidate: boolean
}

export interface StatusView {
  nodeId: NodeId
  name: string
  version: string
  state: NodeState
  listenAddrs: string[]
  peers: number
  /** Peers our gossip reaches directly: subscribed to the fleet topic, scored above gossipsub's publish threshold, with a writable stream. */
  gossipPeers?: number
  /** Connected peers our gossip does not reach, and why (no-peer, no-stream, not-subscribed, low-score); reopened after a while. */
  gossipGaps?: Record<string, string>
  /** Members this node heard from lately but whose gossip does not reach it directly (no connection or no gossip stream). */
  unconnected?: number
  /** Whether gossipsub's lazy gossip (IHAVE) is on: while any member lacks a connection. */
  lazyGossip?: boolean
  replicaDigest: string
  liveness: Record<Liveness, number>
  nodes: number
  hlc: Hlc
  startedAt: number
  codeSource: Lease | null
  storeBytes?: number
  /** This daemon's process: resident memory, V8 heap in use, and the young generation's size (bytes). */
  memory?: { rssBytes: number, heapUsedBytes: number, youngGenerationBytes: number }
  /**
   * The last replica write that failed (disk full: `ERR_STORE_FULL`), null once writes succeed
   * again. Reads keep working meanwhile; writes are refused with that code.
   */
  storeError?: { code: string, message: string, at: number, count: number } | null
  /**
   * Messages and bytes since `since`: our own gossip publishes and the gossip we accepted (each
   * once), by kind; anti-entropy answers pulled and requests served. Relays are not counted.
   */
  traffic?: {
    since: number
    gossipOut: Record<string, { messages: number, bytes: number }>
    gossipIn: Record<string, { messages: number, bytes: number }>
    syncPulled: { responses: number, bytes: number }
    syncServed: { requests: number, bytesIn: number, bytesOut: number }
  }
  /** Rejected inputs since start, by reason. */
  rejections?: Record<string, number>
  /** Git bundles this node served to peers and fetched from them since start. */
  codeTransfer?: CodeTransferStats
}

export interface CodeTransferStats {
  servedBytes: number
  served: number
  fetchedBytes: number
  fetched: number
  /** Bundles moving now: `out` to a peer (bytes it acknowledged), `in` from one (bytes on disk). */
  active?: ActiveTransfer[]
}

export interface ActiveTransfer {
  sha: string
  peer: string
  peerName?: string
  direction: 'in' | 'out'
  bytes: number
  size: number
  startedAt: number
}

export interface HistoryItem {
  seq: number
  hlc: Hlc
  at: number
  from: NodeState
  to: NodeState
  trigger: string
  operator?: { name: string; key: string }
  comment?: string
  commandId?: string
  metadata?: Record<string, unknown>
}

export interface Page<T> {
  total: number
  limit: number
  offset: number
  items: T[]
}

export interface AuditItem {
  at: number
  hlc: Hlc
  node: NodeId
  nodeName: string
  type: EventType
  operator?: string
  summary: string
  event: NodeEvent
}

export interface CommandResultView {
  commandId: string
  node: NodeId
  nodeName: string
  status: CommandResultStatus
  reason?: string
  at: number
}

export interface CodeCommitView {
  sha: string
  branch: string
  author: string
  message: string
  changedPaths: string[]
  affectedRoles: string[]
  announcedBy: NodeId
  at: number
}

export interface CodeNodeStatus {
  node: NodeId
  nodeName: string
  role: string
  desired: string | null
  running: string | null
  attempted: string | null
  /** in_sync | pending | fetching | failed | rolled_back | paused | halted | offline */
  reason: string
  /** The node's own account of a failed or rolled-back attempt (its code report's reason). */
  message?: string
}

export interface CodeStatusView {
  roles: Array<{
    role: string
    desired: DesiredCode | null
    total: number
    done: number
    failed: number
    halted: boolean
    nodes: CodeNodeStatus[]
  }>
}

export interface FleetSnapshot {
  status: StatusView
  nodes: NodeView[]
  roles: RoleDefinition[]
  trust: TrustEntry[]
  windows: MaintenanceWindow[]
}
