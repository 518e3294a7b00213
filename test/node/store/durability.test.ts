/**
 * Durability: a child appends events in a loop and is killed with SIGKILL at a random moment; the
 * reopened store holds every event whose append had resolved, with no gap. Runs the built store
 * (dist/) in a real separate process, as the daemon does.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { cleanup, openStore, tempDir } from './helpers.js'

afterAll(cleanup)

const fixture = fileURLToPath(new URL('./fixtures/append-loop.mjs', import.meta.url))
const built = fileURLToPath(new URL('../../../dist/node/store/index.js', import.meta.url))

async function runAndKill (path: string, killAfterMs: number): Promise<number[]> {
  const child = spawn(process.execPath, [fixture, path], { stdio: ['ignore', 'pipe', 'inherit'] })
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
    expect(existsSync(built), 'run `npm run build` first (npm test does)').toBe(true)
    for (let round = 0; round < 4; round++) {
      const path = tempDir()
      const acked = await runAndKill(path, 150 + Math.floor(Math.random() * 600))
      expect(acked.length).toBeGreaterThan(0)
      const s = await openStore(path)
      const max = s.maxSeq('local')
      expect(max).toBeGreaterThanOrEqual(Math.max(...acked))
      const seqs = s.eventsFrom('local', 1, max + 10).map(e => e.seq)
      expect(seqs).toEqual(Array.from({ length: max }, (_, i) => i + 1))
      expect(s.replicaDigest()).toBe(s.recomputeReplicaDigest())
      await s.stop()
    }
  }, 60_000)
})
