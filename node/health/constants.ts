/**
 * Defaults of the health collector. Every `HealthInit` option falls back to one of these.
 *
 * The TTLs split the probes by cost: what `node:os` answers from memory is sampled every tick;
 * what needs a subprocess (systemctl, ss) or the filesystem is refreshed less often and served
 * from cache in between, so a tick costs little and `latest()` costs nothing.
 */

/** @default 5000 — one sample per heartbeat interval (issue 3: heartbeats every 5 s). */
export const DEFAULT_SAMPLE_INTERVAL_MS = 5_000

/** @default '/' — the predecessor's agent reported disk usage of `/` (PREDECESSOR.md 1.2). */
export const DEFAULT_DISK_PATH = '/'

/** @default 2000 — ceiling for one `systemctl show` or `ss` call; a hung one must not pile up. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 2_000

/** @default 10000 — unit states change rarely; one `systemctl show` for all units per 10 s. */
export const DEFAULT_SYSTEMD_TTL_MS = 10_000

/** @default 10000 — listening sockets, one `ss` per 10 s. */
export const DEFAULT_PORTS_TTL_MS = 10_000

/** @default 10000 — role paths and `current` symlinks change only on install or deploy. */
export const DEFAULT_ROLES_TTL_MS = 10_000

/** @default 30000 — disk fill moves slowly; statfs is cheap but there is no reason to hurry. */
export const DEFAULT_DISK_TTL_MS = 30_000

/** @default 15000 — role health checks run in the background, never inside a sample. 0 = off. */
export const DEFAULT_CHECK_INTERVAL_MS = 15_000

/** @default 5000 — a tcp/http/command health check that takes longer has failed. */
export const DEFAULT_CHECK_TIMEOUT_MS = 5_000

/** Resource thresholds above which a node is unhealthy (DESIGN.md, Lifecycle: 90 % by default). */
export const DEFAULT_THRESHOLDS = { cpu: 90, memory: 90, disk: 90 } as const

/** Output of `systemctl show`/`ss` beyond this is a broken host, not data. */
export const MAX_COMMAND_OUTPUT = 4 * 1024 * 1024

/** The properties asked of systemd, in one call for all units (PREDECESSOR.md 1.2 `services`). */
export const SYSTEMD_PROPERTIES = ['Id', 'ActiveState', 'SubState', 'MainPID', 'MemoryCurrent', 'UnitFileState'] as const
