/**
 * Health of this node (issue 3, point 3): host resources, systemd units, listening ports, role
 * detection and versions, sampled off the hot path; and the role health checks (issue 4, point 6)
 * and resource thresholds the reconcile loop decides on.
 */
export { createHealthCollector } from './collector.js'
export type { HealthCollector, HealthComponents, HealthDiagnostics, HealthInit } from './types.js'
export { runHealthCheck, runRoleCheck, runRoleChecks } from './checks.js'
export type { CheckOptions, CheckResult } from './checks.js'
export { thresholdBreached, breachedResources } from './thresholds.js'
export type { Thresholds, Resource } from './thresholds.js'
export { detectRole, detectRoles, readVersion, probeRoleFiles, detectPathOf } from './detect.js'
export type { RoleFiles } from './detect.js'
export { parseSs, parseProcNetTcp, listListeningPorts, PORT_PROCESSES_MAX_AGE_MS } from './ports.js'
export type { PortsMemo, PortsSnapshot } from './ports.js'
export { parseSystemctlShow, querySystemd } from './systemd.js'
export type { SystemdSnapshot } from './systemd.js'
export { cpuPercent, createCpuSampler } from './cpu.js'
export { diskPercent, memoryPercent, parseOsRelease } from './system.js'
export * from './constants.js'
