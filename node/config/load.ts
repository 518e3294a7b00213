/**
 * One merge: defaults -> YAML file -> SLM_* env -> flags (flags win), then one validation that
 * names the bad key (STYLE 6, after Serf's DefaultConfig/MergeConfig).
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { ConfigError } from './errors.js'
import { DEFAULT_CONFIG_FILE, defaultConfig } from './defaults.js'
import type { DaemonConfig, PartialConfig } from './types.js'
import { validateConfig } from './validate.js'


export { ConfigError }

export interface LoadOptions {
  /** Explicit --config; an explicit file that is missing is an error, the default one is optional. */
  file?: string
  env?: NodeJS.ProcessEnv
  /** Applied over the built-in defaults and under everything else (e.g. the name given to `slm init`). */
  base?: PartialConfig
  flags?: PartialConfig
}

export function readConfigFile (file: string): PartialConfig {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err: any) {
    throw new ConfigError('', `cannot read config file ${file}: ${err.message}`)
  }
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (err: any) {
    // The parser's message ends in a multi-line excerpt; its first line names line and column.
    throw new ConfigError('', `${file} is not valid YAML: ${String(err.message).split('\n')[0].replace(/:$/, '')}`)
  }
  if (doc == null) return {}
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError('', `${file} must hold a YAML mapping`)
  return doc as PartialConfig
}

const ENV_KEYS: Record<string, keyof DaemonConfig> = {
  SLM_DIR: 'dir',
  SLM_NAME: 'name',
  SLM_LISTEN: 'listen',
  SLM_BOOTSTRAP: 'bootstrap',
  SLM_FLEET_KEY_FILE: 'fleetKeyFile',
  SLM_TAGS: 'tags',
  SLM_HEARTBEAT_INTERVAL_MS: 'heartbeatIntervalMs',
  SLM_SYNC_INTERVAL_MS: 'syncIntervalMs',
  SLM_METRICS_PORT: 'metricsPort',
  SLM_LOG_LEVEL: 'log'
}

export function configFromEnv (env: NodeJS.ProcessEnv): PartialConfig {
  const out: Record<string, unknown> = {}
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const v = env[name]
    if (v == null || v === '') continue
    if (key === 'listen' || key === 'bootstrap' || key === 'tags') out[key] = v.split(',').map(s => s.trim()).filter(Boolean)
    else if (key === 'log') out.log = { level: v }
    else if (key === 'heartbeatIntervalMs' || key === 'syncIntervalMs' || key === 'metricsPort') out[key] = Number(v)
    else out[key] = v
  }
  return out as PartialConfig
}

function mergeInto (base: Record<string, any>, over: Record<string, any>): void {
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue
    if (v != null && typeof v === 'object' && !Array.isArray(v) && base[k] != null && typeof base[k] === 'object' && !Array.isArray(base[k])) {
      mergeInto(base[k], v)
    } else {
      base[k] = v
    }
  }
}

export function loadConfig (opts: LoadOptions = {}): DaemonConfig {
  const env = opts.env ?? process.env
  const file = opts.file ?? (env.SLM_CONFIG ?? DEFAULT_CONFIG_FILE)
  const explicit = opts.file != null || env.SLM_CONFIG != null
  const fromFile = explicit || existsSync(file) ? readConfigFile(file) : {}
  const fromEnv = configFromEnv(env)
  const dir = opts.flags?.dir ?? fromEnv.dir ?? fromFile.dir ?? undefined
  const cfg = defaultConfig(dir) as unknown as Record<string, any>
  // fleetKeyFile defaults beside the state dir whichever layer set the dir.
  cfg.fleetKeyFile = undefined
  for (const layer of [opts.base ?? {}, fromFile, fromEnv, opts.flags ?? {}]) mergeInto(cfg, layer as Record<string, any>)
  if (cfg.fleetKeyFile == null) cfg.fleetKeyFile = join(cfg.dir, 'fleet.key')
  return validateConfig(cfg)
}
