/** Public shapes of the health collector: its options, collaborators and the interface it returns. */
import type { DetectedRole, Health, RoleDefinition } from '../../protocol/types.js'
import type { PortsSnapshot } from './ports.js'

export interface HealthInit {
  /** The node's state dir: relative role target and detect paths resolve under it. */
  stateDir: string
  /** Role definitions to detect; asked on every role probe, so new definitions are picked up. */
  roles: () => readonly RoleDefinition[]
  /** systemd units to report besides the roles' own. @default [] */
  monitoredServices?: string[]
  /** @default DEFAULT_SAMPLE_INTERVAL_MS (5000) */
  sampleIntervalMs?: number
  /** Filesystem whose fill is `diskPercent`. @default DEFAULT_DISK_PATH ('/') */
  diskPath?: string
  /** Timeout of each systemctl/ss call. @default DEFAULT_COMMAND_TIMEOUT_MS (2000) */
  commandTimeoutMs?: number
  /** @default DEFAULT_SYSTEMD_TTL_MS (10000) */
  systemdTtlMs?: number
  /** @default DEFAULT_PORTS_TTL_MS (10000) */
  portsTtlMs?: number
  /** Role paths and versions. @default DEFAULT_ROLES_TTL_MS (10000) */
  rolesTtlMs?: number
  /** @default DEFAULT_DISK_TTL_MS (30000) */
  diskTtlMs?: number
  /** How often role health checks refresh `Health.checks`; 0 turns them off. @default DEFAULT_CHECK_INTERVAL_MS (15000) */
  checkIntervalMs?: number
  /** @default DEFAULT_CHECK_TIMEOUT_MS (5000) */
  checkTimeoutMs?: number
  /** Roles whose checks fill `Health.checks`. @default the roles whose path exists on this node */
  checkedRoles?: () => string[]
  /** @default 'systemctl' */
  systemctl?: string
  /** sd_booted(3) marker; without it systemctl is not asked. @default '/run/systemd/system' */
  systemdMarker?: string
  /** @default 'ss' */
  ss?: string
  /** Fallback for ports when ss is missing. @default '/proc/net' */
  procNet?: string
}

export interface HealthComponents {
  /** Told of a probe that failed; the last good value is kept. */
  onError?: (probe: string, err: unknown) => void
}

export interface HealthDiagnostics {
  /** Whether systemd answered; false means every unit is `unknown`. */
  systemd: boolean
  systemdReason?: string
  portsSource: PortsSnapshot['source']
  /** Wall time of the last sample, ms. */
  lastSampleMs: number
  running: boolean
}

export interface HealthCollector {
  /** Takes a first sample, then one every `sampleIntervalMs`. Never rejects. */
  start: () => Promise<void>
  /** Stops sampling and kills in-flight probes. */
  stop: () => Promise<void>
  /** The last sample, from memory; before the first sample, the cheap facts with `collectedAt: 0`. */
  latest: () => Health
  /** Role detection of the last sample (seed 001), by role name. */
  detectRoles: () => Record<string, DetectedRole>
  /** Running version per role, from `<targetPath>/current`, by role name. */
  versions: () => Record<string, string>
  /**
   * Samples now; `force` ignores every probe's TTL (what the benchmark calls a full collection), or
   * only the role files' (`'files'`: versions read again from `current`, after a deploy). A forced
   * call never settles for a sample already in flight that forced less: it samples after it.
   */
  refresh: (opts?: { force?: boolean | 'files' }) => Promise<Health>
  diagnostics: () => HealthDiagnostics
}
