import { execFile } from 'node:child_process'
import type { Command } from 'commander'
import { globals } from '../context.js'
import { UsageError } from '../exit.js'
import type { PartialConfig } from '../../config/index.js'

const collect = (v: string, prev: string[] = []): string[] => [...prev, v]

/** systemd readiness without a native addon (PITFALLS: Type=notify + NotifyAccess=all). */
function notifySystemd (state: string): void {
  if (process.env.NOTIFY_SOCKET == null) return
  execFile('systemd-notify', [state], () => {})
}

export function register (program: Command): void {
  program.command('daemon')
    .description('run the slm daemon for this host (joins the fleet, serves the control socket)')
    .option('--config <file>', 'YAML config file (default: /etc/slm/slm.yaml if present; env SLM_CONFIG)')
    .option('--name <name>', 'node name (default: from slm init, else the host name)')
    .option('--listen <multiaddr>', 'listen address, repeatable (default /ip4/0.0.0.0/tcp/7946)', collect)
    .option('--bootstrap <addr>', 'peer to join: host:port or multiaddr, with or without /p2p/<id>; repeatable', collect)
    .option('--heartbeat-interval <ms>', 'heartbeat interval in ms (default 5000)')
    .option('--sync-interval <ms>', 'anti-entropy interval in ms (default 30000)')
    .option('--tag <tag>', 'tag this node, repeatable', collect)
    .option('--code-source-repo <path>', 'git repo this node can serve as code source')
    .option('--metrics-port <port>', 'serve Prometheus metrics on 127.0.0.1:PORT')
    .option('--log-level <level>', 'trace, debug, info, warn, error, fatal or silent')
    .action(async (opts: Record<string, any>, cmd: Command) => {
      const g = globals(cmd)
      const num = (name: string, v: unknown): number | undefined => {
        if (v == null) return undefined
        const n = Number(v)
        if (!Number.isInteger(n)) throw new UsageError(`--${name} must be an integer, got '${String(v)}'`)
        return n
      }
      const { readInitSeed } = await import('../../identity/index.js')
      const seed = await readInitSeed(g.dir)
      const flags: PartialConfig = {
        dir: g.dir,
        name: opts.name ?? undefined,
        listen: opts.listen,
        bootstrap: opts.bootstrap,
        heartbeatIntervalMs: num('heartbeat-interval', opts.heartbeatInterval),
        syncIntervalMs: num('sync-interval', opts.syncInterval),
        tags: opts.tag,
        metricsPort: num('metrics-port', opts.metricsPort),
        ...(opts.codeSourceRepo != null ? { codeSource: { repo: opts.codeSourceRepo } } : {}),
        ...(opts.logLevel != null ? { log: { level: opts.logLevel } } : {})
      }
      const { loadConfig, ConfigError } = await import('../../config/index.js')
      const load = (): ReturnType<typeof loadConfig> => loadConfig({ file: opts.config, base: seed != null ? { name: seed.name } : {}, flags })
      let config
      try {
        config = load()
      } catch (err) {
        if (err instanceof ConfigError) throw new UsageError(err.message)
        throw err
      }
      const { Daemon } = await import('../../daemon/index.js')
      const { isStrayCommitRejection } = await import('../../store/index.js')
      const daemon = new Daemon(config, { onReady: () => { notifySystemd('--ready') } })
      // lmdb-js leaves a rejection of its own unhandled for every failed commit (a full disk): the
      // writer already refuses those writes and status reports it, so the daemon lives on. Any
      // other unhandled rejection is a bug and ends the process as Node would.
      process.on('unhandledRejection', (reason) => {
        if (isStrayCommitRejection(reason)) {
          daemon.log.debug({ err: String((reason as Error)?.message ?? reason) }, 'lmdb commit failure (already reported by the writer)')
          return
        }
        process.nextTick(() => { throw reason })
      })
      let stopping: Promise<void> | undefined
      const stop = async (): Promise<void> => {
        notifySystemd('--stopping')
        stopping ??= daemon.stop()
        await stopping
      }
      await new Promise<void>((resolve, reject) => {
        process.once('SIGTERM', () => { void stop().then(resolve) })
        process.once('SIGINT', () => { void stop().then(resolve) })
        // A daemon started by `slm demo` (or a test harness) stops with it, even when its parent
        // died without cleaning up: orphaned, it is re-parented and its ppid changes.
        const parent = Number(process.env.SLM_STOP_WITH_PARENT)
        if (Number.isInteger(parent) && parent > 0) {
          setInterval(() => { if (process.ppid !== parent) void stop().then(resolve) }, 1000).unref()
        }
        // SIGHUP (systemctl reload): re-read file, env and flags; a bad file keeps the old config.
        process.on('SIGHUP', () => {
          try {
            daemon.reload(load())
          } catch (err) {
            daemon.log.error({ err: err instanceof Error ? err.message : String(err) }, 'config reload refused; keeping the running config')
          }
        })
        daemon.start().catch(async (err) => {
          await daemon.stop().catch(() => {})
          reject(err)
        })
      })
    })
}
