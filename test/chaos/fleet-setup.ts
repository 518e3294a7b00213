/**
 * Starting and ending a chaos fleet: real daemons through the shared harness, with the test hooks
 * on (partitions through `test.block`) and thresholds off, and always stopped by pid at the end.
 */
import { startFleet, type Fleet, type FleetOptions } from '../helpers/index.js'
import { sleep } from '../helpers/index.js'
import { testConfig } from '../integration/test-config.js'
import { Controls } from './control.js'
import { Operator } from './operator.js'

export interface ChaosFleet {
  fleet: Fleet
  controls: Controls
  operator: Operator
}

export interface ChaosFleetOptions extends Omit<FleetOptions, 'extraArgs'> {
  /** Daemon config keys on top of the test config. */
  daemonConfig?: Record<string, unknown>
}

/** spawnDaemon passes our environment on: this turns on the daemons' `test.block` control method. */
export function enableTestHooks (): void {
  process.env.SLM_TEST_HOOKS = '1'
}

export async function startChaosFleet (opts: ChaosFleetOptions): Promise<ChaosFleet> {
  enableTestHooks()
  const { daemonConfig, ...rest } = opts
  const fleet = await startFleet({ readyTimeoutMs: 120_000, ...rest, extraArgs: ['--config', testConfig(daemonConfig ?? {})] })
  const controls = new Controls(fleet)
  return { fleet, controls, operator: new Operator(fleet, controls) }
}

export async function stopChaosFleet (cf: ChaosFleet | undefined): Promise<void> {
  if (cf === undefined) return
  cf.controls.closeAll()
  await cf.fleet.stop()
}

/** Waits until every running node counts all running nodes alive; ms taken or null. */
export async function waitMembership (cf: ChaosFleet, timeoutMs: number): Promise<number | null> {
  const t0 = Date.now()
  const running = cf.controls.running()
  const pending = new Set(running.map((n) => n.name))
  for (let i = 0; i < Math.ceil(timeoutMs / 500) + 1 && Date.now() - t0 <= timeoutMs; i++) {
    const st = await cf.controls.statuses(running.filter((n) => pending.has(n.name)))
    for (const [name, s] of st) {
      if ((s.nodes ?? 0) >= running.length && (s.liveness?.alive ?? 0) >= running.length - 1 &&
        (s.liveness?.suspect ?? 0) === 0 && (s.liveness?.unreachable ?? 0) === 0) pending.delete(name)
    }
    if (pending.size === 0) return Date.now() - t0
    await sleep(500)
  }
  return null
}

/** Admits every discovered node (one signed command) and waits until n1 lists all online. */
export async function admitEveryone (cf: ChaosFleet, timeoutMs = 120_000): Promise<boolean> {
  const first = cf.fleet.nodes[0].name
  const nodes: any[] = await cf.controls.call(first, 'nodes')
  const discovered = nodes.filter((n) => n.state === 'discovered').map((n) => n.id)
  if (discovered.length > 0) await cf.operator.send(first, 'admit', { kind: 'nodes', nodes: discovered })
  const t0 = Date.now()
  while (Date.now() - t0 < timeoutMs) {
    const now: any[] = await cf.controls.call(first, 'nodes')
    if (now.length >= cf.fleet.nodes.length && now.every((n) => n.state === 'online')) return true
    await sleep(1000)
  }
  return false
}
