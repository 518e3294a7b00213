/** Daemon configuration: one shape, filled defaults -> YAML file -> SLM_* env -> flags. */
export interface DaemonConfig {
  /** State dir. @default '/var/lib/slm' */
  dir: string
  /** Node name shown everywhere. @default the host name */
  name: string
  /** @default ['/ip4/0.0.0.0/tcp/7946'] */
  listen: string[]
  /** `host:port` or multiaddrs. @default [] */
  bootstrap: string[]
  /** @default '<dir>/fleet.key' */
  fleetKeyFile: string
  tags: string[]
  /** @default 5000 */
  heartbeatIntervalMs: number
  /** @default 3 */
  suspectMultiplier: number
  /** @default 6 */
  unreachableMultiplier: number
  /** @default 30000 */
  syncIntervalMs: number
  /** @default 5000 */
  reconcileIntervalMs: number
  thresholds: { cpu: number, memory: number, disk: number }
  /** Prometheus metrics on 127.0.0.1:port; 0 = off. @default 0 */
  metricsPort: number
  /** Extra multiaddr CIDRs exempt from inbound rate limits (loopback always is). */
  allow: string[]
  /** @default 128 */
  maxConnections: number
  /** A connected member our gossip has not reached for this long gets its link reopened; 0 never. @default 60000 */
  gossipRepairAfterMs: number
  /** Events kept per origin before the oldest are pruned. @default 10000 */
  retentionEventsPerOrigin: number
  /** Seconds a command may be early or late by other clocks. @default 30 */
  clockSkewSeconds: number
  codeSource: { repo: string | null }
  remediation: { restartCommand: string, maxPerHour: number }
  drainTimeoutMs: number
  monitoredServices: string[]
  log: { level: string }
}

export type PartialConfig = { [K in keyof DaemonConfig]?: DaemonConfig[K] extends object ? (DaemonConfig[K] extends unknown[] ? DaemonConfig[K] : Partial<DaemonConfig[K]>) : DaemonConfig[K] }
