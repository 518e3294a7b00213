/**
 * Scenario 4, hostile peer: a libp2p peer that holds the fleet key joins the fleet's gossip mesh
 * and, for the configured time at a high rate, publishes malformed, oversized, forged-origin,
 * replayed and wrongly-signed messages; as a sync client it sends hostile requests to every
 * daemon, and as a sync server it answers the daemons' pulls with a lying digest and forged
 * events and commands. Thousands of junk TCP connections hit one daemon meanwhile. No daemon may
 * crash, nothing may be stored from it (every replica digest is what it was before), and the
 * rejections are counted by reason. Last, a peer with another fleet key must not connect at all.
 */
import { randomBytes } from 'node:crypto'
import { createConnection } from 'node:net'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { decodeSyncRequest, MAX_SYNC_RESPONSE_BYTES } from '../../protocol/codec.js'
import { loadFleetKey, newFleetKey } from '../../node/identity/index.js'
import { callRpc, createHost, FLEET_TOPIC, handleRpc, SYNC_PROTOCOL, type SlmLibp2p } from '../../node/net/index.js'
import type { NodeEvent } from '../../protocol/types.js'
import { sleep } from '../helpers/index.js'
import { admitEveryone, startChaosFleet, stopChaosFleet, waitMembership, type ChaosFleet } from './fleet-setup.js'
import { waitDigestsEqual } from './invariants.js'
import { toNodes } from './operator.js'
import {
  GOSSIP_KINDS, SYNC_KINDS, hostileGossip, hostileSyncRequest, phantomId, rogueSyncAnswer,
  type GossipKind, type HostileMaterial, type SyncKind
} from './hostile-inputs.js'
import { addCounts, formatCounts, newResult, rejectionDelta, type ChaosOptions, type ScenarioResult } from './types.js'

export interface HostileOptions {
  n: number
  durationMs: number
  /** Hostile gossip messages per second. */
  gossipPerSec: number
  /** Hostile sync requests per second, spread over the daemons. */
  syncPerSec: number
  /** Junk TCP connections (no fleet key) made at n1, at least. */
  junk: number
}

/** Oversized messages are 300 KiB each: a few of them make the point without drowning the box. */
const GOSSIP_WEIGHTS: Record<GossipKind, number> = {
  malformed: 20, oversized: 1, forged_heartbeat: 15, replayed_event: 15, bad_event_sig: 15, smuggled_batch: 10,
  bad_command_sig: 10, unknown_issuer: 10, expired_command: 10, replayed_command: 10
}
const SYNC_WEIGHTS: Record<SyncKind, number> = { malformed: 5, wrong_version: 3, huge_limit: 3, huge_have: 1, bad_origin: 3, digest_spam: 3 }

/** Reasons the daemons must have counted: each is one kind of hostile input above. */
const EXPECTED_REASONS = [
  'undecodable', 'origin_mismatch', 'bad_event_signature', 'command_bad_signature', 'command_unknown_issuer',
  'command_expired', 'sync_malformed'
]

function weighted<K extends string> (weights: Record<K, number>): K[] {
  return (Object.entries(weights) as Array<[K, number]>).flatMap(([k, w]) => Array.from({ length: w }, () => k))
}

const RPC = { maxRequestBytes: 4 * 1024 * 1024, maxResponseBytes: MAX_SYNC_RESPONSE_BYTES, timeoutMs: 10_000 }

export async function hostilePeer (opts: ChaosOptions, o: Partial<HostileOptions> = {}): Promise<ScenarioResult> {
  const cfg: HostileOptions = { ...(opts.quick ? { n: 3, durationMs: 20_000, gossipPerSec: 100, syncPerSec: 10, junk: 10_000 } : { n: 4, durationMs: 120_000, gossipPerSec: 200, syncPerSec: 20, junk: 20_000 }), ...o }
  const res = newResult('hostile peer')
  res.load = `${cfg.n} nodes; rogue at ${cfg.gossipPerSec} gossip/s + ${cfg.syncPerSec} sync req/s for ${cfg.durationMs / 1000} s`
  const t0 = Date.now()
  let cf: ChaosFleet | undefined
  let rogue: SlmLibp2p | undefined
  let outsider: SlmLibp2p | undefined
  const sent: Record<string, number> = {}
  const count = (k: string, by = 1): void => { sent[k] = (sent[k] ?? 0) + by }
  try {
    cf = await startChaosFleet({ n: cfg.n, heartbeatIntervalMs: 1000 })
    const { fleet, controls, operator } = cf
    if (await waitMembership(cf, 120_000) === null) res.failures.push('membership did not converge before the attack')
    if (!(await admitEveryone(cf))) res.failures.push('not every node came online after admit')
    const victim = fleet.nodes[1]

    // Material a real attacker could have captured: one genuine command (replayed byte for byte
    // it must be a no-op) and one genuine event of the victim.
    const realCommand = operator.envelope('tag_add', toNodes(victim.nodeId), { tag: 'real' })
    const real = await operator.submit(fleet.nodes[0].name, realCommand)
    if (!real.ok) throw new Error(`the genuine command was refused: ${real.code ?? ''}`)
    if (await waitDigestsEqual(controls, 60_000) === null) res.failures.push('digests differ before the attack')
    const audit: Array<{ node: string, event: NodeEvent }> = await controls.call(victim.name, 'audit', { node: victim.nodeId, limit: 5 })
    const realEvent = audit.find((a) => a.node === victim.nodeId)?.event
    if (realEvent === undefined) throw new Error(`${victim.name} has authored no event to replay`)
    const material: HostileMaterial = { victimId: victim.nodeId, rogueId: '', realEvent, realCommand, operator }

    const before = await controls.statuses()
    const digestsBefore = new Map([...before].map(([name, s]) => [name, s.replicaDigest as string]))
    const ownSeqBefore = (await controls.call(victim.name, 'node', { id: victim.nodeId })).seq as number

    // The rogue: the fleet key, a key of its own, and no heartbeat (it never announces itself).
    const fleetKey = await loadFleetKey(`${fleet.node('n1').dir}/fleet.key`)
    rogue = await createHost({ privateKey: await generateKeyPair('Ed25519'), fleetKey, listen: ['/ip4/127.0.0.1/tcp/0'] })
    await rogue.start()
    material.rogueId = rogue.peerId.toString()
    const phantom = await phantomId()
    const served = { count: 0 }
    await handleRpc(rogue, SYNC_PROTOCOL, RPC, async (req) => {
      count('sync answers served (forged)')
      let parsed: unknown
      try { parsed = decodeSyncRequest(req) } catch { parsed = null }
      return rogueSyncAnswer(parsed, material, phantom, served)
    }, () => {})
    rogue.services.pubsub.subscribe(FLEET_TOPIC)
    const dialAll = async (): Promise<void> => {
      await Promise.all(fleet.nodes.map(async (n) => {
        if (rogue!.getConnections(peerIdFromString(n.nodeId)).length > 0) return
        try { await rogue!.dial(multiaddr(n.addr)); count('rogue dials') } catch { count('rogue dials failed') }
      }))
    }
    await dialAll()
    await fleet.waitFor(() => rogue!.services.pubsub.getSubscribers(FLEET_TOPIC).length >= cfg.n, { timeoutMs: 30_000, what: 'the rogue in every daemon\'s topic mesh' })
    opts.log(`hostile: rogue ${material.rogueId.slice(-6)} connected to ${cfg.n} daemons; attacking for ${cfg.durationMs / 1000} s`)

    const deadline = Date.now() + cfg.durationMs
    const gossipKinds = weighted(GOSSIP_WEIGHTS)
    const syncKinds = weighted(SYNC_WEIGHTS)
    const ports = fleet.nodes.map((n) => Number(/\/tcp\/(\d+)/.exec(n.addr)?.[1]))

    const gossiper = (async () => {
      const tick = 50
      const perTick = Math.max(1, Math.round(cfg.gossipPerSec * tick / 1000))
      for (let i = 0; Date.now() < deadline && i < 10_000_000;) {
        const due = Date.now() + tick
        const batch: Array<Promise<unknown>> = []
        for (let k = 0; k < perTick; k++, i++) {
          const kind = gossipKinds[i % gossipKinds.length]
          batch.push(rogue!.services.pubsub.publish(FLEET_TOPIC, hostileGossip(kind, material, i)).then(() => { count(`gossip ${kind}`) }, () => { count('gossip publish failed') }))
        }
        await Promise.all(batch)
        if (due > Date.now()) await sleep(due - Date.now())
      }
    })()

    const syncer = (async () => {
      const gap = 1000 / cfg.syncPerSec
      const inflight = new Set<Promise<void>>()
      for (let i = 0; Date.now() < deadline && i < 1_000_000; i++) {
        const kind = syncKinds[i % syncKinds.length]
        const target = fleet.nodes[i % fleet.nodes.length]
        const p = callRpc(rogue!, peerIdFromString(target.nodeId), SYNC_PROTOCOL, hostileSyncRequest(kind, material, i), RPC)
          .then(() => { count(`sync ${kind}`) }, () => { count(`sync ${kind} (stream failed)`) })
          .finally(() => { inflight.delete(p) })
        inflight.add(p)
        if (inflight.size >= 32) await Promise.race(inflight)
        await sleep(gap)
      }
      await Promise.all(inflight)
    })()

    // Junk TCP connections at n1 from a peer without the fleet key: 24 random bytes (pnet takes
    // them for a nonce), then garbage. @libp2p/pnet's cipher leaked per connection and crashed a
    // daemon after ~8,000 of these; at least `junk` are made, even past the deadline.
    const junkPort = ports[0]
    const junkOne = async (): Promise<void> => { await new Promise<void>((resolve) => {
      const s = createConnection({ host: '127.0.0.1', port: junkPort }, () => {
        s.write(randomBytes(24))
        s.write(randomBytes(200))
      })
      s.on('data', () => {})
      s.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'ECONNREFUSED') count('junk connections refused') })
      s.on('close', () => { resolve() })
      setTimeout(() => { s.destroy() }, 150)
    }) }
    const vandal = (async () => {
      let made = 0
      const cap = Date.now() + cfg.durationMs + 120_000
      for (let i = 0; (Date.now() < deadline || made < cfg.junk) && Date.now() < cap && i < 1_000_000; i++) {
        await Promise.all(Array.from({ length: 20 }, junkOne))
        made += 20
        count('junk TCP connections (no fleet key)', 20)
        if (i % 50 === 0) await dialAll()
        if (fleet.crashes.length > 0) break
      }
    })()

    await Promise.all([gossiper, syncer, vandal])
    opts.log(`hostile: attack over; ${formatCounts(sent)}`)
    await rogue.stop()
    rogue = undefined

    // A peer with another fleet key: no connection may come up, from either side's point of view.
    outsider = await createHost({ privateKey: await generateKeyPair('Ed25519'), fleetKey: newFleetKey(), listen: ['/ip4/127.0.0.1/tcp/0'] })
    await outsider.start()
    let foreignOk = 0
    for (const n of fleet.nodes) {
      for (let k = 0; k < 3; k++) {
        count('foreign-key dials')
        try {
          await outsider.dial(multiaddr(n.addr), { signal: AbortSignal.timeout(5000) })
          foreignOk++
        } catch {}
      }
    }
    const foreignConns = outsider.getConnections().length
    if (foreignOk > 0 || foreignConns > 0) res.failures.push(`a peer with another fleet key connected: ${foreignOk} dials succeeded, ${foreignConns} connections open`)
    res.notes.push(`peer without the fleet key: ${fleet.nodes.length * 3} dials, ${foreignOk} connected`)
    await outsider.stop()
    outsider = undefined

    // Judge: alive, nothing stored, rejections counted.
    await sleep(3000)
    const after = await controls.statuses()
    for (const n of fleet.nodes) if (!after.has(n.name)) res.failures.push(`${n.name} does not answer status after the attack`)
    for (const c of fleet.crashes) res.failures.push(`${c.name} exited unasked (code ${c.code}, signal ${c.signal}): ${c.log.split('\n').slice(-3).join(' | ')}`)
    const rejected: Record<string, number> = {}
    for (const [name, s] of after) addCounts(rejected, rejectionDelta(before.get(name)?.rejections, s.rejections))
    res.notes.push(`rejections by reason (all daemons): ${formatCounts(rejected)}`)
    for (const r of EXPECTED_REASONS) if ((rejected[r] ?? 0) === 0) res.failures.push(`no '${r}' rejection was counted though the rogue sent such input`)
    const changed = [...after].filter(([name, s]) => s.replicaDigest !== digestsBefore.get(name)).map(([name]) => name)
    for (const n of fleet.nodes) {
      const nodes: any[] = await controls.call(n.name, 'nodes')
      const bad = nodes.filter((v) => v.id === material.rogueId || v.id === phantom || v.name === 'forged')
      if (bad.length > 0) res.failures.push(`${n.name} stored a node record from the rogue: ${bad.map((v) => `${v.name}/${String(v.id).slice(-6)}`).join(', ')}`)
      const seq = (await controls.call(n.name, 'node', { id: victim.nodeId })).seq as number
      if (seq > ownSeqBefore) res.failures.push(`${n.name} holds ${victim.name}'s log up to seq ${seq}, beyond the ${ownSeqBefore} it wrote`)
    }
    const ownSeqAfter = (await controls.call(victim.name, 'node', { id: victim.nodeId })).seq as number
    if (changed.length > 0) {
      // Only the fleet's own writes may explain a new digest: the victim's log must not have grown from outside.
      res.failures.push(`replica digest changed during the attack on ${changed.join(', ')} (victim's own seq ${ownSeqBefore} -> ${ownSeqAfter})`)
    }
    res.lost = 0
    const tried = Object.entries(sent).filter(([k]) => !k.includes('failed') && k !== 'rogue dials').reduce((a, [, v]) => a + v, 0)
    res.hostile = tried
    res.faults = `${tried} hostile inputs (gossip, sync, junk TCP, foreign dials)`
    res.notes.push(`inputs sent by kind: ${formatCounts(sent)}`)
    res.notes.push(`rogue served ${served.count} forged sync answers`)
    res.convergeMs = await waitDigestsEqual(controls, 30_000)
    if (res.convergeMs === null) res.failures.push('digests differ after the attack')
  } catch (err) {
    res.failures.push(`scenario aborted: ${String((err as Error)?.stack ?? err).slice(0, 600)}`)
  } finally {
    await Promise.resolve(rogue?.stop()).catch(() => {})
    await Promise.resolve(outsider?.stop()).catch(() => {})
    await stopChaosFleet(cf)
    res.elapsedMs = Date.now() - t0
  }
  return res
}
