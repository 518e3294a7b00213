/**
 * A small virtual LAN for multi-host tests: each "host" is a network namespace with one veth link,
 * `eth0`, whose other end is a port of a bridge in a fourth namespace (the switch). Hosts get
 * 10.77.0.<i>/24; the root namespace's interfaces, routes and addresses are never touched, so the
 * addresses cannot clash with the machine's. Everything is named `slmt-<pid>-…` after the test
 * process, and deleting the namespaces removes the links with them (also at process exit).
 */
import { spawnSync } from 'node:child_process'

export const LAB_SUBNET = '10.77.0.0/24'

export interface LabHost {
  /** Namespace name, for `ip netns exec`. */
  ns: string
  /** The host's address on the lab LAN. */
  ip: string
}

export interface NetnsLab {
  switchNs: string
  hosts: LabHost[]
  /** Command prefix that runs a program on host `i` (0-based). */
  exec: (i: number) => string[]
  /** Takes host `i`'s link (`eth0`) down, as a pulled cable would. */
  linkDown: (i: number) => void
  linkUp: (i: number) => void
  /** Deletes every namespace of the lab (idempotent). Stop the processes in them first. */
  destroy: () => void
}

export class IpCommandError extends Error {
  readonly code = 'ERR_IP_COMMAND'
  constructor (args: string[], status: number | null, stderr: string) {
    super(`ip ${args.join(' ')} exited ${status}: ${stderr.trim()}`)
    this.name = 'IpCommandError'
  }
}

function ip (args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 })
  if (r.status !== 0) throw new IpCommandError(args, r.status, r.stderr ?? String(r.error))
}

/**
 * Why namespaces cannot be made here, or null when they can. Being root is not enough (a container
 * without CAP_SYS_ADMIN refuses), so this really creates and deletes one.
 */
export function netnsUnavailable (): string | null {
  if (process.platform !== 'linux') return `network namespaces are Linux only (this is ${process.platform})`
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root (run the suite as root, as CI does)'
  const which = spawnSync('sh', ['-c', 'command -v ip'], { encoding: 'utf8' })
  if (which.status !== 0) return 'the `ip` command is missing (apt-get install -y iproute2)'
  const probe = `slmt-${process.pid}-probe`
  try {
    ip(['netns', 'add', probe])
  } catch (err) {
    return `cannot create a network namespace: ${(err as Error).message}`
  }
  spawnSync('ip', ['netns', 'del', probe], { timeout: 10_000 })
  return null
}

/** Builds the switch namespace with a bridge and `n` host namespaces linked to it. */
export function createNetnsLab (n: number): NetnsLab {
  const prefix = `slmt-${process.pid}`
  const switchNs = `${prefix}-sw`
  const hosts: LabHost[] = Array.from({ length: n }, (_, i) => ({ ns: `${prefix}-h${i + 1}`, ip: `10.77.0.${i + 1}` }))
  const created: string[] = []
  let destroyed = false
  const destroy = (): void => {
    if (destroyed) return
    destroyed = true
    process.removeListener('exit', destroy)
    for (const ns of created.reverse()) spawnSync('ip', ['netns', 'del', ns], { timeout: 10_000 })
  }
  // A test runner killed between beforeAll and afterAll must not leave namespaces behind.
  process.once('exit', destroy)
  const add = (ns: string): void => {
    ip(['netns', 'add', ns])
    created.push(ns)
    ip(['-n', ns, 'link', 'set', 'lo', 'up'])
  }
  try {
    add(switchNs)
    ip(['-n', switchNs, 'link', 'add', 'br0', 'type', 'bridge'])
    ip(['-n', switchNs, 'link', 'set', 'br0', 'up'])
    hosts.forEach((host, i) => {
      add(host.ns)
      // Made inside the switch namespace with the peer moved straight into the host's: no link
      // ever exists in the root namespace, so names cannot collide with anyone else's.
      ip(['-n', switchNs, 'link', 'add', `p${i + 1}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', host.ns])
      ip(['-n', switchNs, 'link', 'set', `p${i + 1}`, 'master', 'br0'])
      ip(['-n', switchNs, 'link', 'set', `p${i + 1}`, 'up'])
      ip(['-n', host.ns, 'addr', 'add', `${host.ip}/24`, 'dev', 'eth0'])
      ip(['-n', host.ns, 'link', 'set', 'eth0', 'up'])
    })
  } catch (err) {
    destroy()
    throw err
  }
  return {
    switchNs,
    hosts,
    exec: (i) => ['ip', 'netns', 'exec', hosts[i].ns],
    linkDown: (i) => { ip(['-n', hosts[i].ns, 'link', 'set', 'eth0', 'down']) },
    linkUp: (i) => { ip(['-n', hosts[i].ns, 'link', 'set', 'eth0', 'up']) },
    destroy
  }
}
