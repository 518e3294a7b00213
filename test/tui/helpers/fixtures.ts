/**
 * Synthetic fleets for TUI tests and the bench: deterministic, any size.
 */
import type { HistoryItem, NodeView } from '../../../protocol/control.js'
import type { NodeState, RoleDefinition } from '../../../protocol/types.js'
import type { FakeFleet } from './fake-source.js'

const STATES: NodeState[] = ['online', 'online', 'online', 'degraded', 'maintenance_planned', 'error', 'discovered', 'online']
const ROLES = ['frontend', 'backend', 'redis', 'npu-worker']

export function makeNode (i: number, over: Partial<NodeView> = {}): NodeView {
  const name = `n${String(i).padStart(4, '0')}`
  const role = ROLES[i % ROLES.length]
  return {
    id: `12D3KooWfake${String(i).padStart(8, '0')}`,
    name,
    state: STATES[i % STATES.length],
    liveness: i % 13 === 5 ? 'suspect' : 'alive',
    roles: [role],
    assignedRoles: [role],
    detectedRoles: { [role]: { status: 'active', pathExists: true, serviceRunning: true, ports: [] } },
    tags: [i % 2 === 0 ? 'rack-a' : 'rack-b'],
    versions: { [role]: `${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}${'0'.repeat(32)}` },
    lastHeartbeat: Date.now() - (i % 7) * 1000,
    health: {
      hostname: `host-${i}`,
      os: 'Ubuntu 24.04',
      cpuPercent: (i * 37) % 100,
      memoryPercent: (i * 53) % 100,
      diskPercent: (i * 17) % 100,
      loadAvg: [0.1, 0.2, 0.3],
      uptimeSeconds: 3600 * 30,
      services: [],
      listeningPorts: [],
      checks: { [role]: { ok: i % 11 !== 3 } },
      collectedAt: Date.now()
    },
    addrs: [],
    seq: 1,
    installAttempts: 0,
    isCodeSource: i === 0,
    codeSourceCandidate: i < 3,
    ...over
  }
}

export function makeRole (name: string): RoleDefinition {
  return {
    name,
    displayName: name,
    description: `the ${name} role`,
    serviceType: 'stateless',
    systemdServices: [`${name}.service`],
    requiredTags: [],
    dependencies: [],
    healthChecks: [{ kind: 'tcp', port: 8000 }],
    updateStrategies: ['rolling'],
    sourcePaths: [],
    targetPath: `releases/${name}`,
    autoRestart: true,
    ports: [8000]
  }
}

export function makeHistory (count: number): HistoryItem[] {
  const items: HistoryItem[] = []
  for (let i = 0; i < count; i++) {
    items.push({
      seq: i + 1,
      hlc: `${String(1_700_000_000_000 + i * 1000).padStart(15, '0')}-000000`,
      at: 1_700_000_000_000 + i * 1000,
      from: i % 2 === 0 ? 'online' : 'degraded',
      to: i % 2 === 0 ? 'degraded' : 'online',
      trigger: i % 3 === 0 ? 'operator' : 'system',
      operator: i % 3 === 0 ? { name: 'alice', key: 'ed25519:x' } : undefined,
      comment: `change ${i + 1}`
    })
  }
  return items
}

export function makeFleet (size: number): FakeFleet {
  const nodes = Array.from({ length: size }, (_, i) => makeNode(i))
  return {
    nodes,
    roles: ROLES.map(makeRole),
    history: new Map(nodes.length > 0 ? [[nodes[0].id, makeHistory(23)]] : []),
    results: [],
    commits: [{
      sha: 'a'.repeat(40),
      branch: 'main',
      author: 'alice',
      message: 'fix the frontend',
      changedPaths: ['web/index.html'],
      affectedRoles: ['frontend'],
      announcedBy: nodes[0]?.id ?? 'x',
      at: Date.now() - 60_000
    }],
    codeStatus: {
      roles: [{
        role: 'frontend',
        desired: { role: 'frontend', sha: 'a'.repeat(40), strategy: 'rolling', batch: 1, paused: false },
        total: 4,
        done: 2,
        failed: 0,
        halted: false,
        nodes: []
      }]
    }
  }
}
