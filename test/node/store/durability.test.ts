/**
 * Durability: a child appends events in a loop (64 appends in flight) and is killed with SIGKILL at
 * a random moment; the reopened store holds every event whose append had resolved, with no gap.
 * The child runs the TypeScript sources directly (fixtures/ts-hooks.ts), in a real separate
 * process, so this always tests the current code and needs no build.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { DEFAULT_MAX_EVENTS_PER_ORIGIN } from '../../../node/store/index.js'
import { cleanup, openStore, tempDir } from './helpers.js'

afterAll(cleanup)

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))

async function runAndKill (path: string, killAfterMs: number): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', './ts-hooks.ts', 'append-loop.ts', path, '64'], { cwd: fixtures, stdio: ['ignore', 'pipe', 'inherit'] })
  const acked: number[] = []
  let buf = ''
  let ready!: () => void
  const isReady = new Promise<void>((resolve) => { ready = resolve })
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    buf += d
    const lines = buf.split('\n')
    buf = lines.pop() ?? ''
    for (const l of lines) {
      if (l === 'ready') ready()
      else if (/^\d+$/.test(l)) acked.push(Number(l))
    }
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve() }))
  await Promise.race([isReady, exited])
  await new Promise(resolve => setTimeout(resolve, killAfterMs))
  child.kill('SIGKILL')
  await exited
  return acked
}

describe('durability under SIGKILL', () => {
  it('every acknowledged append survives a kill -9, with no seq gap', async () => {
    for (let round = 0; round < 4; round++) {
      const path = tempDir()
      const acked = await runAndKill(path, 200 + Math.floor(Math.random() * 800))
      expect(acked.length).toBeGreaterThan(0)
      const s = await openStore(path)
      const max = s.maxSeq('local')
      expect(max).toBeGreaterThanOrEqual(Math.max(...acked))
      // Retention may have pruned the oldest: what remains is exactly (max - keep, max], gap-free.
      const { min } = s.syncDigest().origins.local
      expect(min).toBe(Math.max(1, max - DEFAULT_MAX_EVENTS_PER_ORIGIN + 1))
      const seqs = s.eventsFrom('local', 1, max + 10).map(e => e.seq)
      expect(seqs).toEqual(Array.from({ length: max - min + 1 }, (_, i) => min + i))
      expect(s.replicaDigest()).toBe(s.recomputeReplicaDigest())
      // The reopened store continues the log where the durable part ended.
      expect((await s.appendLocal('install', { phase: 'started', attempt: 1 })).seq).toBe(max + 1)
      await s.stop()
    }
  }, 60_000)
})
