/**
 * Store benchmark (issue 2): durable ingest rate on one node — local appends with many in flight
 * (group commit) and remote `ingestEvents` batches — and the replica-digest time over 100k events,
 * incremental read versus full recompute. Target: >= 20,000 durable events/s on the 2-core box.
 *
 *   node dist/test/bench/store.bench.js [--quick]      (or through test/bench/run.ts)
 */
import { generateKeyPairSync, sign } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { canonicalBytes } from '../../protocol/canonical.js'
import { HybridClock } from '../../protocol/hlc.js'
import type { NodeEvent, UnsignedNodeEvent } from '../../protocol/types.js'
import { createStore, type Store } from '../../node/store/index.js'

interface Opts { quick?: boolean }

const fmt = (n: number): string => Math.round(n).toLocaleString('en')
const stubSign = (u: UnsignedNodeEvent): NodeEvent => ({ ...u, sig: 'x'.repeat(86) }) as NodeEvent

/** A real Ed25519 signature over the canonical event, as the daemon's signer makes. */
function ed25519Sign (): (u: UnsignedNodeEvent) => NodeEvent {
  const { privateKey } = generateKeyPairSync('ed25519')
  return (u) => ({ ...u, sig: sign(null, canonicalBytes(u), privateKey).toString('base64url') }) as NodeEvent
}

async function withStore<T> (sign: (u: UnsignedNodeEvent) => NodeEvent, fn: (s: Store) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'slm-bench-store-'))
  const store = createStore({ path: dir, retention: { maxEventsPerOrigin: 1_000_000 }, defaultRoles: [] }, { clock: new HybridClock(), localId: 'bench', sign })
  await store.start()
  try { return await fn(store) } finally {
    await store.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** `inFlight` concurrent appenders; every append awaited (durable) before its appender goes on. */
async function localAppends (store: Store, n: number, inFlight: number): Promise<number> {
  let next = 0
  const t0 = performance.now()
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < n) { next++; await store.appendLocal('install', { phase: 'progress', attempt: 1, message: 'x' }) }
  }))
  return n / ((performance.now() - t0) / 1000)
}

function remoteEvent (origin: number, seq: number): NodeEvent {
  return { v: 1, origin: `o${origin}`, seq, hlc: `${String(1_700_000_000_000 + seq).padStart(15, '0')}-000000`, type: 'install', body: { phase: 'progress', attempt: 1, message: 'x' }, sig: 'x'.repeat(86) } as NodeEvent
}

/** Batches of `batch` events from 10 origins, up to 16 batches in flight, as anti-entropy pulls. */
async function remoteBatches (store: Store, n: number, batch: number): Promise<number> {
  const origins = 10
  const perOrigin = n / origins
  const t0 = performance.now()
  const pending: Array<Promise<unknown>> = []
  for (let seq = 1; seq <= perOrigin; seq += batch) {
    for (let o = 0; o < origins; o++) {
      const events: NodeEvent[] = []
      for (let s = seq; s < seq + batch && s <= perOrigin; s++) events.push(remoteEvent(o, s))
      pending.push(store.ingestEvents(events))
    }
    if (pending.length >= 16) await Promise.all(pending.splice(0))
  }
  await Promise.all(pending)
  return n / ((performance.now() - t0) / 1000)
}

export async function run (opts: Opts = {}): Promise<void> {
  const n = opts.quick === true ? 20_000 : 100_000
  const log = (s: string): void => { console.log(s) }
  for (const inFlight of [1, 64, 1024]) {
    const count = inFlight === 1 ? 300 : n
    const rate = await withStore(stubSign, async s => await localAppends(s, count, inFlight))
    const note = inFlight === 1 ? '(one fsync per event: the floor)' : 'target >= 20,000'
    log(`durable local appends, ${String(inFlight).padStart(4)} in flight (${fmt(count)} events): ${fmt(rate)} events/s   ${note}`)
  }
  const signedN = Math.min(n, 20_000)
  const signed = await withStore(ed25519Sign(), async s => await localAppends(s, signedN, 1024))
  log(`durable local appends, Ed25519-signed, 1024 in flight (${fmt(signedN)}): ${fmt(signed)} events/s (bound by signing on the main thread)`)
  await withStore(stubSign, async (s) => {
    const rate = await remoteBatches(s, n, 100)
    log(`durable remote ingest, batches of 100 from 10 origins (${fmt(n)} events): ${fmt(rate)} events/s   target >= 20,000`)
    const reads = 10_000
    let t = performance.now()
    let d = ''
    for (let i = 0; i < reads; i++) d = s.replicaDigest()
    const readUs = (performance.now() - t) * 1000 / reads
    t = performance.now()
    const full = s.recomputeReplicaDigest()
    const fullMs = performance.now() - t
    log(`replica digest over ${fmt(n)} events: ${readUs.toFixed(1)} µs incremental read, ${fmt(fullMs)} ms full recompute (${d === full ? 'equal' : 'DIFFERENT!'})`)
  })
}

if (process.argv[1] != null && import.meta.url.endsWith(process.argv[1].replace(/^.*[\\/]/, '/'))) {
  await run({ quick: process.argv.includes('--quick') })
}
