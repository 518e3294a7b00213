/**
 * `slm events --follow --json` on one node, parsed line by line. Each line is one replica change as
 * the daemon stored it, stamped with its local `receivedAt`: comparing those stamps across nodes on
 * one host measures propagation without trusting the harness's own timing.
 */
import type { ChildProcess } from 'node:child_process'
import { onLines, spawnTracked, terminate } from './procs.js'
import { slmBin } from './slm.js'
import { WaitAbort, waitFor } from './wait.js'

/** The fields of a replica change the harness relies on (DESIGN.md, CLI contract). */
export interface Change {
  receivedAt: number
  kind?: string
  origin: string
  seq: number | null
  type: string
  liveness?: string
  [key: string]: unknown
}

export interface FollowOptions {
  /** Adds `--heartbeats`: heartbeat and liveness changes too (needed to see failure detection). */
  heartbeats?: boolean
  /**
   * Drop changes of these kinds before parsing (a cheap text test), e.g. `['heartbeat']`, so a
   * large fleet's heartbeats do not load the harness while it measures.
   */
  skipKinds?: string[]
}

export interface Follower {
  child: ChildProcess
  /** Lines that were not JSON (e.g. an error before the stream started). */
  garbage: string[]
  /** Resolves on the first line received: the subscription is live. */
  ready: (timeoutMs?: number) => Promise<void>
  stop: () => Promise<void>
}

export function follow (dir: string, onChange: (c: Change) => void, opts: FollowOptions = {}): Follower {
  const [node, main] = slmBin()
  const env = { ...process.env, SLM_DIR: dir }
  const args = [main, 'events', '--follow', '--json', '--dir', dir, ...(opts.heartbeats === true ? ['--heartbeats'] : [])]
  const child = spawnTracked(node, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  const skips = (opts.skipKinds ?? []).map((k) => `"kind":"${k}"`)
  const garbage: string[] = []
  let lines = 0
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-2000) })
  onLines(child, (line) => {
    lines++
    if (skips.some((s) => line.includes(s))) return
    let change: Change
    try {
      change = JSON.parse(line)
    } catch {
      if (garbage.length < 100) garbage.push(line)
      return
    }
    onChange(change)
  })
  return {
    child,
    garbage,
    ready: async (timeoutMs = 30_000) => {
      await waitFor(() => {
        if (child.exitCode !== null) throw new WaitAbort(new Error(`slm events exited ${child.exitCode}: ${stderr.trim()}`))
        return lines > 0
      }, { timeoutMs, intervalMs: 50, what: `the first change from 'slm events --follow' in ${dir}` })
    },
    stop: async () => { await terminate(child, 2000) }
  }
}
