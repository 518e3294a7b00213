/**
 * Valid sample builders for every wire type, shared by tests across the tree. Each takes
 * overrides, so a test states only what it cares about. Keys are derived from fixed seeds, so
 * node ids and signatures are the same on every run.
 */
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Ed25519PrivateKey } from '@libp2p/interface'
import { createPrivateKey } from 'node:crypto'
import { operatorPublicKeyFromPem, signCommand, signEvent, type OperatorKeyPair } from '../../protocol/sign.js'
import { briefOf, stableHash } from '../../protocol/heartbeat.js'
import { encodeGossip } from '../../protocol/codec.js'
import { signBeat } from '../../protocol/relayed-beat.js'
import {
  ACTIONS, PROTOCOL_VERSION,
  type Action, type ActionParams, type CommandEnvelope, type DesiredCode, type DetectedRole,
  type EventBodies, type EventType, type GossipMessage, type Health, type Heartbeat, type Lease,
  type MaintenanceWindow, type NodeEvent, type Register, type RoleDefinition, type SyncDigest,
  type SignedBeat, type SyncRequest, type SyncResponse, type TrustEntry, type UnsignedCommand, type UnsignedNodeEvent
} from '../../protocol/types.js'

export const SHA_A = 'a'.repeat(40)
export const SHA_B = '0123456789abcdef0123456789abcdef01234567'
export const ULID_A = '01HZX3J7Q8R9S0T1V2W3X4Y5Z6'
export const HLC_A = '001700000000000-000000'
export const T0 = 1_700_000_000_000

export interface NodeKey {
  privateKey: Ed25519PrivateKey
  nodeId: string
  publicKeyRaw: Uint8Array
  sign: (bytes: Uint8Array) => Uint8Array
}

/** A libp2p Ed25519 node identity from a one-byte seed: same seed, same node id. */
export async function nodeKey (seed: number): Promise<NodeKey> {
  const privateKey = await generateKeyPairFromSeed('Ed25519', new Uint8Array(32).fill(seed))
  return {
    privateKey,
    nodeId: peerIdFromPrivateKey(privateKey).toString(),
    publicKeyRaw: privateKey.publicKey.raw,
    sign: (bytes) => privateKey.sign(bytes) as Uint8Array
  }
}

export const NODE_A = await nodeKey(1)
export const NODE_B = await nodeKey(2)
/** An operator key from a one-byte seed (PKCS#8 for Ed25519 is a fixed header plus the seed). */
export function operatorKey (seed: number): OperatorKeyPair {
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, seed)])
  const privateKeyPem = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString()
  return { privateKeyPem, publicKey: operatorPublicKeyFromPem(privateKeyPem) }
}

export const OPERATOR: OperatorKeyPair = operatorKey(1)
export const OTHER_OPERATOR: OperatorKeyPair = operatorKey(2)

export function sampleHealth (over: Partial<Health> = {}): Health {
  return {
    hostname: 'web-1',
    os: 'Ubuntu 24.04',
    cpuPercent: 12.5,
    memoryPercent: 40,
    diskPercent: 55.2,
    loadAvg: [0.1, 0.2, 0.3],
    uptimeSeconds: 3600,
    services: [{ name: 'redis-stack-server.service', activeState: 'active', subState: 'running', mainPid: 42, memoryBytes: 1024, enabled: true }],
    listeningPorts: [{ port: 6379, process: 'redis-server', pid: 42 }],
    checks: { redis: { ok: true }, backend: { ok: false, detail: 'connection refused' } },
    collectedAt: T0,
    ...over
  }
}

export function sampleDetectedRole (over: Partial<DetectedRole> = {}): DetectedRole {
  return { status: 'active', pathExists: true, path: '/opt/redis', serviceRunning: true, service: 'redis-stack-server', ports: [6379], version: SHA_A, ...over }
}

export function sampleLease (over: Partial<Lease> = {}): Lease {
  return { holder: NODE_A.nodeId, term: 3, expiresAt: T0 + 30_000, ...over }
}

export function sampleHeartbeat (over: Partial<Heartbeat> = {}): Heartbeat {
  return {
    v: PROTOCOL_VERSION,
    origin: NODE_A.nodeId,
    name: 'web-1',
    hlc: HLC_A,
    seq: 7,
    intervalMs: 5000,
    addrs: [`/ip4/127.0.0.1/tcp/4001/p2p/${NODE_A.nodeId}`],
    tags: ['rack-a', 'gpu'],
    state: 'online',
    health: sampleHealth(),
    detectedRoles: { redis: sampleDetectedRole() },
    versions: { redis: SHA_A },
    codeSourceCandidate: true,
    lease: sampleLease(),
    ...over
  }
}

export const SAMPLE_BODIES: { [T in EventType]: EventBodies[T] } = {
  transition: {
    from: 'online',
    to: 'maintenance_planned',
    trigger: 'operator',
    operator: { name: 'alice', key: 'ed25519:' + 'A'.repeat(43) },
    comment: 'kernel upgrade',
    commandId: ULID_A,
    metadata: { window: 'w1', nested: { a: [1, 2, null] } }
  },
  command_result: { commandId: ULID_A, action: 'maintenance_enter', status: 'rejected', reason: 'not allowed from state pending' },
  code_announce: {
    sha: SHA_A, branch: 'main', author: 'Alice <alice@example.com>', message: 'fix: things',
    changedPaths: ['backend/app.py'], affectedRoles: ['backend'], term: 2, committedAt: T0
  },
  install: { role: 'redis', phase: 'failed', attempt: 2, message: 'apt-get exited 100' },
  remediation: { role: 'redis', service: 'redis-stack-server.service', attempt: 1, ok: true },
  code_report: { role: 'backend', sha: SHA_A, status: 'rolled_back', running: SHA_B, reason: 'health check failed', commandId: ULID_A }
}

export function sampleUnsignedEvent<T extends EventType> (type: T, over: Partial<Omit<UnsignedNodeEvent, 'type' | 'body'>> & { body?: EventBodies[T] } = {}): UnsignedNodeEvent {
  return { v: PROTOCOL_VERSION, origin: NODE_A.nodeId, seq: 1, hlc: HLC_A, type, body: SAMPLE_BODIES[type], ...over } as UnsignedNodeEvent
}

/** A node event signed by `key` (default NODE_A, whose id is the default origin). */
export function sampleEvent<T extends EventType> (type: T, over: Parameters<typeof sampleUnsignedEvent<T>>[1] = {}, key: NodeKey = NODE_A): NodeEvent {
  return signEvent(sampleUnsignedEvent(type, { origin: key.nodeId, ...over }), key.sign)
}

export function sampleRoleDefinition (over: Partial<RoleDefinition> = {}): RoleDefinition {
  return {
    name: 'backend',
    displayName: 'Backend',
    description: 'API server',
    serviceType: 'stateless',
    systemdServices: ['autobot-backend.service'],
    requiredTags: ['python'],
    dependencies: ['redis'],
    healthChecks: [
      { kind: 'tcp', port: 8001 },
      { kind: 'http', port: 8001, path: '/health', expectStatus: 200, timeoutMs: 2000 },
      { kind: 'command', command: 'systemctl is-active autobot-backend' }
    ],
    installCommand: 'ansible-playbook deploy_backend.yml',
    updateStrategies: ['rolling', 'all-at-once'],
    sourcePaths: ['backend/', 'requirements.txt'],
    targetPath: 'roles/backend',
    autoRestart: true,
    preSyncCommand: 'true',
    postSyncCommand: 'pip install -r requirements.txt',
    ports: [8001],
    detectPath: '/opt/autobot/backend',
    ...over
  }
}

export function sampleTrustEntry (over: Partial<TrustEntry> = {}): TrustEntry {
  return { key: OPERATOR.publicKey, name: 'alice', role: 'admin', ...over }
}

export function sampleWindow (over: Partial<MaintenanceWindow> = {}): MaintenanceWindow {
  return { id: 'w1', nodes: [NODE_A.nodeId, 'role:redis', '*'], start: T0, end: T0 + 3_600_000, type: 'planned', reason: 'kernel', ...over }
}

export function sampleDesiredCode (over: Partial<DesiredCode> = {}): DesiredCode {
  return { role: 'backend', sha: SHA_A, strategy: 'rolling', batch: 2, paused: false, previous: SHA_B, ...over }
}

export function sampleRegister (over: Partial<Register> = {}): Register {
  return { key: `trust/${OPERATOR.publicKey}`, value: sampleTrustEntry(), hlc: HLC_A, commandId: ULID_A, ...over }
}

/** Valid params for every action. */
export const SAMPLE_PARAMS: { [A in Action]: ActionParams[A] } = {
  admit: {},
  reject: {},
  admission_policy: { policy: 'auto' },
  maintenance_enter: { type: 'draining', reason: 'disk swap' },
  maintenance_exit: {},
  maintenance_schedule: { id: 'w1', start: T0, end: T0 + 60_000, type: 'planned', reason: 'kernel' },
  maintenance_cancel: { id: 'w1' },
  reprovision: {},
  recover: {},
  reset_install: { force: true },
  retire: {},
  role_assign: { role: 'redis' },
  role_unassign: { role: 'redis' },
  role_define: { role: sampleRoleDefinition() },
  role_delete: { name: 'backend' },
  tag_add: { tag: 'gpu' },
  tag_remove: { tag: 'gpu' },
  trust_add: { key: OTHER_OPERATOR.publicKey, name: 'bob', role: 'viewer' },
  trust_remove: { key: OTHER_OPERATOR.publicKey },
  code_sync: { role: 'backend', commit: SHA_A, strategy: 'rolling', batch: 2 },
  code_pause: { role: 'backend' },
  code_resume: { role: 'backend' },
  code_rollback: { role: 'backend' },
  code_source_pin: { node: NODE_A.nodeId },
  code_source_unpin: {}
}

export function sampleUnsignedCommand (over: Partial<UnsignedCommand> = {}): UnsignedCommand {
  const action = over.action ?? 'maintenance_enter'
  return {
    v: PROTOCOL_VERSION,
    id: ULID_A,
    issuer: OPERATOR.publicKey,
    issuedAt: HLC_A,
    expiresAt: T0 + 600_000,
    target: { kind: 'nodes', nodes: [NODE_A.nodeId, 'web-2'] },
    action,
    params: SAMPLE_PARAMS[action] as Record<string, unknown>,
    comment: 'scheduled kernel upgrade',
    ...over
  }
}

/** A command signed by OPERATOR (or `privateKeyPem`, whose key must then be the issuer). */
export function sampleCommand (over: Partial<UnsignedCommand> = {}, privateKeyPem = OPERATOR.privateKeyPem): CommandEnvelope {
  return signCommand(sampleUnsignedCommand(over), privateKeyPem)
}

/** One signed command for every action. */
export function sampleCommands (): CommandEnvelope[] {
  return ACTIONS.map((action) => sampleCommand({ action }))
}

export function sampleDigest (over: Partial<SyncDigest> = {}): SyncDigest {
  return {
    origins: { [NODE_A.nodeId]: { min: 1, max: 40 }, [NODE_B.nodeId]: { min: 5, max: 9 } },
    commands: { count: 3, hash: 'c0ffee' },
    registers: { count: 12, hash: 'deadbeef' },
    ...over
  }
}

export function sampleSyncRequests (): SyncRequest[] {
  const v = PROTOCOL_VERSION
  return [
    { v, kind: 'digest', digest: sampleDigest() },
    { v, kind: 'events', origin: NODE_A.nodeId, fromSeq: 3, limit: 500 },
    { v, kind: 'commands', have: [ULID_A], limit: 100 },
    { v, kind: 'registers', limit: 100, after: 'role/backend' }
  ]
}

export function sampleSyncResponses (): SyncResponse[] {
  const v = PROTOCOL_VERSION
  return [
    { v, kind: 'digest', digest: sampleDigest() },
    { v, kind: 'events', events: [sampleEvent('transition'), sampleEvent('code_report', { seq: 2 })], more: true },
    { v, kind: 'commands', commands: [sampleCommand()], more: false },
    { v, kind: 'registers', registers: [sampleRegister(), sampleRegister({ key: 'role/backend', value: null })], more: false },
    { v, kind: 'error', code: 'ERR_BUSY', message: 'try later' }
  ]
}

export function sampleGossipMessages (): GossipMessage[] {
  const v = PROTOCOL_VERSION
  return [
    { v, kind: 'heartbeat', heartbeat: sampleHeartbeat() },
    { v, kind: 'heartbeat', heartbeat: briefOf({ ...sampleHeartbeat(), stable: stableHash(sampleHeartbeat()) }) },
    ...(Object.keys(SAMPLE_BODIES) as EventType[]).map((type): GossipMessage => ({ v, kind: 'event', event: sampleEvent(type) })),
    { v, kind: 'events', events: [sampleEvent('command_result', { seq: 7 }), sampleEvent('transition', { seq: 8 }), sampleEvent('command_result', { seq: 9 })] },
    { v, kind: 'events', events: [sampleEvent('command_result', { seq: 7 }), sampleEvent('transition', { seq: 8 })], commands: [sampleCommand()] },
    { v, kind: 'command', command: sampleCommand({ action: 'role_define' }) },
    { v, kind: 'beat', beat: sampleBeat() },
    { v, kind: 'beats', beats: [sampleBeat(), sampleBeat(NODE_B)] }
  ]
}

/** A heartbeat signed for a relay to carry (protocol/relayed-beat.ts). */
export function sampleBeat (key: NodeKey = NODE_A): SignedBeat {
  return signBeat(encodeGossip({ v: PROTOCOL_VERSION, kind: 'heartbeat', heartbeat: sampleHeartbeat({ origin: key.nodeId }) }), key.sign)
}

/** Valid inputs for every exported `validateX` of protocol/schema.ts but validateParams (fuzz seeds). */
export function validatorSamples (): Record<string, unknown[]> {
  return {
    validateHeartbeat: [sampleHeartbeat()],
    validateHealth: [sampleHealth()],
    validateDetectedRole: [sampleDetectedRole()],
    validateLease: [sampleLease()],
    validateNodeEvent: sampleGossipMessages().flatMap((m) => m.kind === 'event' ? [m.event] : []),
    validateUnsignedNodeEvent: Object.keys(SAMPLE_BODIES).map((t) => sampleUnsignedEvent(t as never)),
    validateCommand: sampleCommands(),
    validateCommandEnvelope: sampleCommands(),
    validateUnsignedCommand: [sampleUnsignedCommand(), sampleUnsignedCommand({ action: 'role_define' })],
    validateTarget: [{ kind: 'all' }, { kind: 'nodes', nodes: ['a', 'b'] }, { kind: 'role', role: 'redis' }, { kind: 'tag', tag: 'gpu' }],
    validateRoleDefinition: [sampleRoleDefinition()],
    validateHealthCheck: sampleRoleDefinition().healthChecks,
    validateTrustEntry: [sampleTrustEntry()],
    validateMaintenanceWindow: [sampleWindow()],
    validateDesiredCode: [sampleDesiredCode()],
    validateRegister: [sampleRegister(), sampleRegister({ value: null })],
    validateSyncDigest: [sampleDigest()],
    validateSyncRequest: sampleSyncRequests(),
    validateSyncResponse: sampleSyncResponses(),
    validateGossipMessage: sampleGossipMessages()
  }
}
