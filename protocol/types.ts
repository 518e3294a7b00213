/**
 * Wire types of slm. Every message that crosses a process boundary (gossip, sync stream, control
 * socket, command files) is one of these. Runtime validation lives in `schema.ts` (and `schema/`); these are the
 * static shapes the rest of the code relies on once bytes have been validated.
 *
 * Conventions:
 * - Node ids are libp2p PeerId strings (Ed25519 keys, so the public key is inside the id).
 * - Times authored by a node are HLC strings (see `hlc.ts`), which sort lexicographically.
 * - Wall-clock instants that are not ordering keys (expiry, receivedAt) are ms since epoch.
 */

/** Wire protocol version carried in every envelope; bumped on incompatible changes. */
export const PROTOCOL_VERSION = 1

/** Hybrid logical clock timestamp, `"<15-digit ms>-<6-digit counter>"`, lexicographically ordered. */
export type Hlc = string

export type NodeId = string

// ---------------------------------------------------------------------------------------------
// Lifecycle

export const NODE_STATES = [
  'discovered',
  'pending',
  'installing',
  'online',
  'degraded',
  'error',
  'install_failed',
  'maintenance_draining',
  'maintenance_planned',
  'maintenance_immediate',
  'maintenance_offline',
  'maintenance_recovering',
  'deprovisioning',
  'retired'
] as const
export type NodeState = (typeof NODE_STATES)[number]

export const TRIGGERS = ['operator', 'system', 'node_report'] as const
export type Trigger = (typeof TRIGGERS)[number]

export type Liveness = 'alive' | 'suspect' | 'unreachable'

// ---------------------------------------------------------------------------------------------
// Health (carried in heartbeats; latest value only, not part of the replicated log)

export type RoleStatus = 'active' | 'inactive' | 'not_installed'

export interface ServiceState {
  name: string
  activeState: string // systemd ActiveState: active, inactive, failed, activating, unknown
  subState: string
  mainPid?: number
  memoryBytes?: number
  enabled?: boolean
}

export interface ListeningPort {
  port: number
  process?: string
  pid?: number
}

export interface DetectedRole {
  status: RoleStatus
  pathExists: boolean
  path?: string
  serviceRunning: boolean
  service?: string
  ports: number[]
  version?: string
}

export interface Health {
  hostname: string
  os: string
  cpuPercent: number
  memoryPercent: number
  diskPercent: number
  loadAvg: [number, number, number]
  uptimeSeconds: number
  services: ServiceState[]
  listeningPorts: ListeningPort[]
  /** Result of each role health check, by role name: true = passing. */
  checks: Record<string, { ok: boolean; detail?: string }>
  collectedAt: number
}

/** Code-source lease, renewed in the holder's heartbeats. */
export interface Lease {
  holder: NodeId
  term: number
  expiresAt: number
}

/** Gossiped every heartbeat interval by each node about itself. Not stored in the event log. */
export interface Heartbeat {
  v: number
  origin: NodeId
  name: string
  hlc: Hlc
  /** Highest seq of the origin's own event log: a receiver behind it pulls. */
  seq: number
  intervalMs: number
  addrs: string[]
  tags: string[]
  state: NodeState
  health: Health
  detectedRoles: Record<string, DetectedRole>
  /** Running commit per role, read from the role's `current` release on the node itself. */
  versions: Record<string, string>
  codeSourceCandidate: boolean
  lease?: Lease
  /**
   * Members the sender heard from lately but does not reach directly (no connection or no gossip
   * stream to them): while any member reports
   * more than 0, lazy gossip stays on (node/net/lazy-gossip.ts). Absent: unknown.
   */
  unconnected?: number
  /**
   * Hash of `detectedRoles`, `health.services` and `health.listeningPorts` (protocol/heartbeat.ts):
   * a brief heartbeat leaves those out and names them by it. Absent from older senders.
   */
  stable?: string
}

/** A heartbeat as gossiped: full, or brief (without the parts `stable` names). */
export type WireHeartbeat = Heartbeat | BriefHeartbeat

export interface BriefHeartbeat extends Omit<Heartbeat, 'health' | 'detectedRoles' | 'stable'> {
  health: Omit<Health, 'services' | 'listeningPorts'>
  detectedRoles?: undefined
  stable: string
}

// ---------------------------------------------------------------------------------------------
// Node-owned events: append-only per origin, signed by the origin's key so any peer may relay them.

export interface TransitionBody {
  from: NodeState
  to: NodeState
  trigger: Trigger
  operator?: { name: string; key: string }
  comment?: string
  commandId?: string
  metadata?: Record<string, unknown>
}

export type CommandResultStatus = 'accepted' | 'rejected' | 'applied' | 'failed'
export interface CommandResultBody {
  commandId: string
  action: string
  status: CommandResultStatus
  reason?: string
}

export interface CodeAnnounceBody {
  sha: string
  branch: string
  author: string
  message: string
  changedPaths: string[]
  affectedRoles: string[]
  term: number
  committedAt: number
}

export type InstallPhase = 'started' | 'progress' | 'complete' | 'failed'
export interface InstallBody {
  role?: string
  phase: InstallPhase
  attempt: number
  message?: string
}

export interface RemediationBody {
  role: string
  service: string
  attempt: number
  ok: boolean
  detail?: string
}

export type CodeReportStatus = 'fetching' | 'applied' | 'failed' | 'rolled_back'
export interface CodeReportBody {
  role: string
  sha: string
  status: CodeReportStatus
  running?: string
  reason?: string
  commandId?: string
}

/** Which body goes with which event type. */
export interface EventBodies {
  transition: TransitionBody
  command_result: CommandResultBody
  code_announce: CodeAnnounceBody
  install: InstallBody
  remediation: RemediationBody
  code_report: CodeReportBody
}
export type EventType = keyof EventBodies
export const EVENT_TYPES: readonly EventType[] = [
  'transition',
  'command_result',
  'code_announce',
  'install',
  'remediation',
  'code_report'
]

export interface NodeEventOf<T extends EventType> {
  v: number
  origin: NodeId
  seq: number
  hlc: Hlc
  type: T
  body: EventBodies[T]
  /** base64url Ed25519 signature by the origin's node key over the canonical event without `sig`. */
  sig: string
}
export type NodeEvent = { [T in EventType]: NodeEventOf<T> }[EventType]
export type UnsignedNodeEvent = { [T in EventType]: Omit<NodeEventOf<T>, 'sig'> }[EventType]

// ---------------------------------------------------------------------------------------------
// Operator commands

export type OperatorRole = 'admin' | 'operator' | 'viewer'

export type Target =
  | { kind: 'all' }
  | { kind: 'nodes'; nodes: string[] } // node ids or names
  | { kind: 'role'; role: string }
  | { kind: 'tag'; tag: string }

export const ACTIONS = [
  'admit',
  'reject',
  'admission_policy',
  'maintenance_enter',
  'maintenance_exit',
  'maintenance_schedule',
  'maintenance_cancel',
  'reprovision',
  'recover',
  'reset_install',
  'retire',
  'role_assign',
  'role_unassign',
  'role_define',
  'role_delete',
  'tag_add',
  'tag_remove',
  'trust_add',
  'trust_remove',
  'code_sync',
  'code_pause',
  'code_resume',
  'code_rollback',
  'code_source_pin',
  'code_source_unpin'
] as const
export type Action = (typeof ACTIONS)[number]

export type MaintenanceType = 'draining' | 'planned' | 'immediate'

/** The params each action carries (validated by `ACTION_PARAMS` in schema/command.ts). */
export interface ActionParams {
  admit: Record<string, never>
  reject: Record<string, never>
  admission_policy: { policy: 'manual' | 'auto' }
  maintenance_enter: { type: MaintenanceType; reason?: string }
  maintenance_exit: Record<string, never>
  maintenance_schedule: { id: string; start: number; end: number; type: MaintenanceType; reason?: string }
  maintenance_cancel: { id: string }
  reprovision: Record<string, never>
  recover: Record<string, never>
  reset_install: { force: boolean }
  retire: Record<string, never>
  role_assign: { role: string }
  role_unassign: { role: string }
  role_define: { role: RoleDefinition }
  role_delete: { name: string }
  tag_add: { tag: string }
  tag_remove: { tag: string }
  trust_add: { key: string; name: string; role: OperatorRole }
  trust_remove: { key: string }
  /** strategy defaults to `all-at-once`, batch to 1 (node/commands/fleet.ts). */
  code_sync: { role: string; commit: string; strategy?: UpdateStrategy; batch?: number }
  code_pause: { role: string }
  code_resume: { role: string }
  code_rollback: { role: string }
  code_source_pin: { node: string }
  code_source_unpin: Record<string, never>
}

export interface CommandEnvelope {
  v: number
  /** ULID */
  id: string
  /** Operator public key, `ed25519:<base64url raw 32 bytes>` */
  issuer: string
  issuedAt: Hlc
  /** ms since epoch */
  expiresAt: number
  target: Target
  action: Action
  params: Record<string, unknown>
  comment: string
  /** base64url Ed25519 signature over domain tag + canonical JSON of everything but `sig`. */
  sig: string
}
export type UnsignedCommand = Omit<CommandEnvelope, 'sig'>

// ---------------------------------------------------------------------------------------------
// Fleet data: last-writer-wins registers written only by signed commands.

export interface Register {
  key: string
  /** null = deleted (a tombstone, so a late older write cannot resurrect it) */
  value: unknown
  hlc: Hlc
  commandId: string
}

export interface TrustEntry {
  key: string
  name: string
  role: OperatorRole
}

export type ServiceType = 'stateless' | 'stateful'

export type HealthCheck =
  | { kind: 'tcp'; port: number; host?: string; timeoutMs?: number }
  | { kind: 'http'; port: number; path: string; host?: string; expectStatus?: number; timeoutMs?: number }
  | { kind: 'command'; command: string; timeoutMs?: number }

export type UpdateStrategy = 'all-at-once' | 'rolling' | 'maintenance-window'

/** A role definition: both predecessors' fields merged (seed 000 `Role`, seed 001 code sync). */
export interface RoleDefinition {
  name: string
  displayName: string
  description: string
  serviceType: ServiceType
  systemdServices: string[]
  requiredTags: string[]
  dependencies: string[]
  healthChecks: HealthCheck[]
  installCommand?: string
  purgeCommand?: string
  ansiblePlaybook?: string
  updateStrategies: UpdateStrategy[]
  /** Code sync: repo-relative source paths copied into a release. */
  sourcePaths: string[]
  /** Where releases live; relative paths resolve under the node's state dir. */
  targetPath: string
  autoRestart: boolean
  preSyncCommand?: string
  postSyncCommand?: string
  /** Ports the role listens on, for detection. */
  ports: number[]
  /** Path whose existence marks the role as installed, for detection. */
  detectPath?: string
}

export interface MaintenanceWindow {
  id: string
  nodes: string[] // node ids; empty = all
  start: number
  end: number
  type: MaintenanceType
  reason: string
}

export interface DesiredCode {
  role: string
  sha: string
  strategy: UpdateStrategy
  batch: number
  paused: boolean
  /** Previous desired sha, for rollback. */
  previous?: string
}

// ---------------------------------------------------------------------------------------------
// Anti-entropy (/slm/sync/1.0.0)

export interface SyncDigest {
  /** per origin: lowest retained and highest seq */
  origins: Record<NodeId, { min: number; max: number }>
  commands: { count: number; hash: string }
  registers: { count: number; hash: string }
}

export type SyncRequest =
  | { v: number; kind: 'digest'; digest: SyncDigest }
  | { v: number; kind: 'events'; origin: NodeId; fromSeq: number; limit: number }
  | { v: number; kind: 'commands'; have: string[]; limit: number }
  | { v: number; kind: 'registers'; limit: number; after?: string }

export type SyncResponse =
  | { v: number; kind: 'digest'; digest: SyncDigest }
  | { v: number; kind: 'events'; events: NodeEvent[]; more: boolean }
  | { v: number; kind: 'commands'; commands: CommandEnvelope[]; more: boolean }
  | { v: number; kind: 'registers'; registers: Register[]; more: boolean }
  | { v: number; kind: 'error'; code: string; message: string }

/** Gossip topic payloads: one envelope so a single decoder serves the topic. */
export type GossipMessage =
  | { v: number; kind: 'heartbeat'; heartbeat: WireHeartbeat }
  | { v: number; kind: 'event'; event: NodeEvent }
  /**
   * Several events of one origin, seq-ascending, written by one operator action; with the
   * operator's commands for that origin alone that they apply, when it was asked on its own socket.
   */
  | { v: number; kind: 'events'; events: NodeEvent[]; commands?: CommandEnvelope[] }
  | { v: number; kind: 'command'; command: CommandEnvelope }
  /** A member's heartbeat on its way to its slot's relay (protocol/relayed-beat.ts). */
  | { v: number; kind: 'beat'; beat: SignedBeat }
  /** A relay's bundle: the heartbeats of its slot's members, each signed by its own node. */
  | { v: number; kind: 'beats'; beats: SignedBeat[] }

/**
 * A heartbeat that may travel through another member: the bytes of its `heartbeat` gossip message
 * (base64url) and its node's Ed25519 signature over them, so any receiver can check who wrote it.
 */
export interface SignedBeat {
  hb: string
  sig: string
}
