import { hostname } from 'node:os'
import { join } from 'node:path'
import type { DaemonConfig } from './types.js'

export const DEFAULT_DIR = '/var/lib/slm'
export const DEFAULT_CONFIG_FILE = '/etc/slm/slm.yaml'

export function defaultConfig (dir = DEFAULT_DIR): DaemonConfig {
  return {
    dir,
    name: hostname().split('.')[0] || 'node',
    listen: ['/ip4/0.0.0.0/tcp/7946'],
    bootstrap: [],
    fleetKeyFile: join(dir, 'fleet.key'),
    tags: [],
    heartbeatIntervalMs: 5000,
    suspectMultiplier: 3,
    unreachableMultiplier: 6,
    syncIntervalMs: 30_000,
    reconcileIntervalMs: 5000,
    thresholds: { cpu: 90, memory: 90, disk: 90 },
    metricsPort: 0,
    allow: [],
    maxConnections: 128,
    gossipRepairAfterMs: 60_000,
    retentionEventsPerOrigin: 10_000,
    clockSkewSeconds: 30,
    codeSource: { repo: null },
    remediation: { restartCommand: 'systemctl restart', maxPerHour: 3 },
    drainTimeoutMs: 300_000,
    monitoredServices: [],
    log: { level: 'info' }
  }
}
