/**
 * Store benchmark (issue 2): durable ingest rate on one node, local appends (signed with the real
 * Ed25519 node signer) and remote batches, and replica-digest time over 100k events.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { HybridClock } from '../../protocol/hlc.js'
import { signEvent } from '../../protocol/sign.js'
import type { NodeEvent } from '../../protocol/types.js'
import { nodeSigner } from '../../node/daemon/signer.js'
import { createStore } from '../../node/store/index.js'
import type { BenchOptions } from '../helpers/bench.js'

async function localAppends (n: number, concurrency: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'slm-bench-store-'))
  const key = await generateKeyPair('Ed25519')
  const signer = nodeSigner(key)
  const store = createStore({ path: dir, retention: { maxEventsPerOrigin: 1_000_000 } }, { clock: new HybridClock(), localId: 'bench', sign: (u) => signEvent(u, signer) })
  await store.start()
  let next = 0
  const t0 = performance.now()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) { next++; await store.appendLocal('install', { phase: 'progress', attempt: 1, message: 'x' }) }
  }))
  const rate = n / ((performance.now() - t0) / 1000)
  await store.stop()
  rmSync(dir, { recursive: true, force: true })
  return rate
}

async function remoteBatches (n: number, batch: number): Promise<{ rate: number, digestMs: number, recomputeMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'slm-bench-store-'))
  const store = createStore({ path: dir, retention: { maxEventsPerOrigin: 1_000_000 } }, { clock: new HybridClock(), localId: 'bench', sign: (u) => ({ ...u, sig: 'x' }) as NodeEvent })
  await store.start()
  const origins = 10
  const make = (origin: number, seq: number): NodeEvent => ({ v: 1, origin: `o${origin}`, seq, hlc: `${String(1_700_000_000_000 + seq).padStart(15, '0')}-000000`, type: 'install', body: { phase: 'progress', attempt: 1, message: 'x' }, sig: 'x'.repeat(86) }) as NodeEvent
  const t0 = performance.now()
  const pending: Array<Promise<unknown>> = []
  for (let seq = 1; seq <= n / origins; seq += batch) {
    for (let o = 0; o < origins; o++) {
      const events: NodeEvent[] = []
      for (let s = seq; s < seq + batch && s <= n / origins; s++) events.push(make(o, s))
      pending.push(store.ingestEvents(events))
    }
    if (pending.length >= 64) await Promise.all(pending.splice(0))
  }
  await Promise.all(pending)
  const rate = n / ((performance.now() - t0) / 1000)
  const t1 = performance.now()
  for (let i = 0; i < 1000; i++) store.replicaDigest()
  const digestMs = (performance.now() - t1) / 1000
  const t2 = performance.now()
  store.recomputeReplicaDigest()
  const recomputeMs = performance.now() - t2
  await store.stop()
  rmSync(dir, { recursive: true, force: true })
  return { rate, digestMs, recomputeMs }
}

export async function run (opts: BenchOptions = { quick: false, args: [] }): Promise<string> {
  const n = opts.quick ? 20_000 : 100_000
  const local = await localAppends(opts.quick ? 5000 : 20_000, 256)
  const remote = await remoteBatches(n, 100)
  const lines = [
    `durable local appends (signed, 256 in flight): ${Math.round(local).toLocaleString('en')} events/s`,
    `durable remote ingest (batches of 100, ${n.toLocaleString('en')} events, 10 origins): ${Math.round(remote.rate).toLocaleString('en')} events/s   target >= 20,000`,
    `replica digest over ${n.toLocaleString('en')} events: ${(remote.digestMs * 1000).toFixed(1)} µs (incremental read), ${remote.recomputeMs.toFixed(0)} ms (full recompute)`
  ]
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await run({ quick: process.argv.includes('--quick'), args: process.argv.slice(2) }))
