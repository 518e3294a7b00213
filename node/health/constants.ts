/** @default 5000 — how often the collector refreshes its cached sample */
export const DEFAULT_SAMPLE_INTERVAL_MS = 5000
/** @default 30000 — systemd units and listening ports change rarely: refreshed less often */
export const DEFAULT_SLOW_PROBE_TTL_MS = 30_000
/** @default 5000 — any one probe or health check */
export const DEFAULT_PROBE_TIMEOUT_MS = 5000
export const DEFAULT_THRESHOLDS = { cpu: 90, memory: 90, disk: 90 }
