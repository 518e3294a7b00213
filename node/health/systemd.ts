/**
 * State of the monitored systemd units: one `systemctl show` for all of them per refresh.
 * Where systemd is not PID 1 (containers, this CI machine) or systemctl is not installed, every
 * unit is reported `unknown` instead of failing: health must keep flowing without systemd.
 */
import { access } from 'node:fs/promises'
import type { ServiceState } from '../../protocol/types.js'
import { SYSTEMD_PROPERTIES } from './constants.js'
import { runTool } from './exec.js'

export interface SystemdSnapshot {
  /** false when systemd could not be asked; every state is then `unknown`. */
  available: boolean
  services: ServiceState[]
  reason?: string
}

export interface SystemdQueryOptions {
  timeoutMs: number
  signal?: AbortSignal
  /** @default 'systemctl' (tests point it elsewhere to prove the missing-binary path) */
  systemctl?: string
  /** @default '/run/systemd/system' — sd_booted(3): this directory exists iff systemd is PID 1. */
  bootedMarker?: string
}

/** 2^64-1 is how systemd says "no value" for MemoryCurrent when accounting is off. */
const UINT64_MAX = '18446744073709551615'

export function unknownService (name: string): ServiceState {
  return { name, activeState: 'unknown', subState: 'unknown' }
}

function toState (name: string, props: Map<string, string>): ServiceState {
  const state: ServiceState = {
    name,
    activeState: props.get('ActiveState') || 'unknown',
    subState: props.get('SubState') || 'unknown'
  }
  const pid = Number(props.get('MainPID'))
  if (Number.isInteger(pid) && pid > 0) state.mainPid = pid
  const mem = props.get('MemoryCurrent')
  if (mem != null && mem !== UINT64_MAX && /^\d+$/.test(mem)) state.memoryBytes = Number(mem)
  const file = props.get('UnitFileState')
  // enabled-runtime, static, masked and friends are neither a clear yes nor a clear no.
  if (file === 'enabled') state.enabled = true
  else if (file === 'disabled') state.enabled = false
  return state
}

/**
 * Parses `systemctl show -p ... u1 u2 ...`: one block of `Key=Value` lines per unit, separated by
 * blank lines, in argument order. Blocks are matched to the requested names by position, because
 * `Id` is the canonical name (`nginx` is shown as `nginx.service`).
 */
export function parseSystemctlShow (output: string, units: string[]): ServiceState[] {
  const blocks = output.split(/\n\s*\n/).map(b => b.trim()).filter(b => b !== '')
  return units.map((name, i) => {
    const block = blocks[i]
    if (block == null) return unknownService(name)
    const props = new Map<string, string>()
    for (const line of block.split('\n')) {
      const eq = line.indexOf('=')
      if (eq > 0) props.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim())
    }
    return toState(name, props)
  })
}

export async function querySystemd (units: string[], opts: SystemdQueryOptions): Promise<SystemdSnapshot> {
  if (units.length === 0) return { available: true, services: [] }
  const unknown = (reason: string): SystemdSnapshot => ({ available: false, services: units.map(unknownService), reason })
  try {
    await access(opts.bootedMarker ?? '/run/systemd/system')
  } catch {
    // Asking systemctl anyway would only fork to hear "System has not been booted with systemd".
    return unknown('systemd is not the init system (PID 1)')
  }
  const args = ['show', '--no-pager', '-p', SYSTEMD_PROPERTIES.join(','), '--', ...units]
  const res = await runTool(opts.systemctl ?? 'systemctl', args, { timeoutMs: opts.timeoutMs, signal: opts.signal })
  if (res.kind === 'missing') return unknown('systemctl is not installed')
  if (res.kind === 'failed') return unknown(`systemctl show failed: ${res.reason}`)
  return { available: true, services: parseSystemctlShow(res.stdout, units) }
}
