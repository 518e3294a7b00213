/**
 * The test harness's public face: real slm fleets and the process, polling and report helpers
 * the integration tests, chaos runs and benchmarks share.
 */
export { startFleet, type Crash, type Fleet, type FleetNode, type FleetOptions } from './fleet.js'
export { follow, type Change, type Follower, type FollowOptions } from './follow.js'
export { slm, slmBin, slmJson, spawnDaemon, waitReady, repoRoot, logCount, logTail, SlmCliError, DaemonExitedError, type SlmOptions } from './slm.js'
export { run, spawnTracked, terminate, waitExit, killAllTracked, isRunning, mapLimit, type RunResult } from './procs.js'
export { waitFor, sleep, WaitAbort, WaitTimeoutError, type WaitOptions } from './wait.js'
export { freePorts } from './ports.js'
export { rssKiB, cpuTicks, sampleIdle, clockTicks, type IdleSample } from './proc-stats.js'
export { summarize, percentile, fmt, ratio, table, type Summary } from './report.js'
