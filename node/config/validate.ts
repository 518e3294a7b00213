import { ConfigError } from './errors.js'
import { defaultConfig } from './defaults.js'
import { parseBootstrap, parseListen } from '../net/addrs.js'
import type { DaemonConfig } from './types.js'

const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0
const isStrList = (v: unknown): v is string[] => Array.isArray(v) && v.every(x => typeof x === 'string')
const isInt = (v: unknown, min: number, max: number): boolean => Number.isInteger(v) && (v as number) >= min && (v as number) <= max

/** Each address must parse as the daemon will parse it at start, named by its index. */
function addresses (key: string, list: string[], parse: (a: string) => unknown): void {
  list.forEach((a, i) => {
    try {
      parse(a)
    } catch {
      throw new ConfigError(`${key}[${i}]`, `'${a}' is neither host:port nor a valid multiaddr`)
    }
  })
}

/** Checks every key, rejects unknown ones, and names the first bad key. */
export function validateConfig (raw: Record<string, any>): DaemonConfig {
  const known = new Set(Object.keys(defaultConfig()))
  for (const k of Object.keys(raw)) {
    if (!known.has(k)) throw new ConfigError(k, `unknown key (known keys: ${[...known].join(', ')})`)
  }
  const need = (key: string, ok: boolean, what: string): void => {
    if (!ok) throw new ConfigError(key, `must be ${what}, got ${JSON.stringify(get(raw, key))}`)
  }
  need('dir', isStr(raw.dir), 'a non-empty path')
  need('name', isStr(raw.name) && /^[A-Za-z0-9._-]{1,64}$/.test(raw.name), 'a name of 1-64 letters, digits, . _ -')
  need('listen', isStrList(raw.listen) && raw.listen.length > 0, 'a non-empty list of multiaddrs')
  need('bootstrap', isStrList(raw.bootstrap), 'a list of host:port or multiaddrs')
  addresses('listen', raw.listen, parseListen)
  addresses('bootstrap', raw.bootstrap, parseBootstrap)
  need('fleetKeyFile', isStr(raw.fleetKeyFile), 'a path')
  need('tags', isStrList(raw.tags) && raw.tags.every((t: string) => /^[A-Za-z0-9._:-]{1,64}$/.test(t)), 'a list of tags (letters, digits, . _ : -)')
  need('heartbeatIntervalMs', isInt(raw.heartbeatIntervalMs, 100, 3_600_000), 'an integer from 100 to 3600000')
  need('suspectMultiplier', isInt(raw.suspectMultiplier, 1, 100), 'an integer from 1 to 100')
  need('unreachableMultiplier', isInt(raw.unreachableMultiplier, 2, 1000) && raw.unreachableMultiplier > raw.suspectMultiplier, 'an integer greater than suspectMultiplier')
  need('syncIntervalMs', isInt(raw.syncIntervalMs, 500, 86_400_000), 'an integer from 500 to 86400000')
  need('reconcileIntervalMs', isInt(raw.reconcileIntervalMs, 100, 3_600_000), 'an integer from 100 to 3600000')
  for (const t of ['cpu', 'memory', 'disk']) {
    need(`thresholds.${t}`, typeof raw.thresholds?.[t] === 'number' && raw.thresholds[t] >= 0 && raw.thresholds[t] <= 100, 'a percentage from 0 to 100 (0 turns the check off)')
  }
  need('metricsPort', isInt(raw.metricsPort, 0, 65535), 'a port 0..65535 (0 = off)')
  need('allow', isStrList(raw.allow), 'a list of multiaddr CIDRs')
  need('maxConnections', isInt(raw.maxConnections, 1, 10_000), 'an integer from 1 to 10000')
  need('gossipRepairAfterMs', raw.gossipRepairAfterMs === 0 || isInt(raw.gossipRepairAfterMs, 1000, 86_400_000), '0 (never) or an integer from 1000 to 86400000')
  need('retentionEventsPerOrigin', isInt(raw.retentionEventsPerOrigin, 100, 10_000_000), 'an integer from 100 to 10000000')
  need('clockSkewSeconds', isInt(raw.clockSkewSeconds, 0, 3600), 'an integer from 0 to 3600')
  need('codeSource.repo', raw.codeSource?.repo == null || isStr(raw.codeSource.repo), 'a path or null')
  need('remediation.restartCommand', isStr(raw.remediation?.restartCommand), 'a command')
  need('remediation.maxPerHour', isInt(raw.remediation?.maxPerHour, 0, 1000), 'an integer from 0 to 1000')
  need('drainTimeoutMs', isInt(raw.drainTimeoutMs, 0, 86_400_000), 'an integer from 0 to 86400000')
  need('monitoredServices', isStrList(raw.monitoredServices), 'a list of systemd unit names')
  need('log.level', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(raw.log?.level), 'one of trace, debug, info, warn, error, fatal, silent')
  return raw as DaemonConfig
}

function get (obj: Record<string, any>, path: string): unknown {
  return path.split('.').reduce<any>((o, k) => o?.[k], obj)
}
