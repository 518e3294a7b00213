/**
 * Issue 3 trust proofs with real daemons: a fleet-key holder that forges origins or sends garbage
 * is rejected and counted while the daemon keeps running; a daemon with another fleet key cannot
 * join at all.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROTOCOL_VERSION } from '../../protocol/types.js'
import { encodeGossip } from '../../protocol/codec.js'
import { signBeat } from '../../protocol/relayed-beat.js'
import { nodeSigner } from '../../node/daemon/signer.js'
import { beatTopic } from '../../node/daemon/beat-relay.js'
import { loadFleetKey } from '../../node/identity/index.js'
import { createHost, FLEET_TOPIC, type SlmLibp2p } from '../../node/net/index.js'
import type { Heartbeat } from '../../protocol/types.js'
import { sleep, slm, spawnDaemon, startFleet, waitReady, type Fleet } from '../helpers/index.js'
import { terminate } from '../helpers/procs.js'
import { testConfig } from './test-config.js'

/** A well-formed heartbeat, so the only thing wrong with the forged one is who signed it. */
function heartbeat (origin: string): Heartbeat {
  return {
    v: PROTOCOL_VERSION,
    origin,
    name: 'forged',
    hlc: `${String(Date.now()).padStart(15, '0')}-000000`,
    seq: 0,
    intervalMs: 500,
    addrs: [],
    tags: [],
    state: 'online',
    health: { hostname: 'h', os: 'linux', cpuPercent: 1, memoryPercent: 1, diskPercent: 1, loadAvg: [0, 0, 0], uptimeSeconds: 1, services: [], listeningPorts: [], checks: {}, collectedAt: Date.now() },
    detectedRoles: {},
    versions: {},
    codeSourceCandidate: false
  }
}

describe('hostile and foreign peers', () => {
  let fleet: Fleet
  let rogue: SlmLibp2p | undefined

  beforeAll(async () => {
    fleet = await startFleet({ n: 2, heartbeatIntervalMs: 500, extraArgs: ['--config', testConfig()] })
  }, 120_000)

  afterAll(async () => {
    await rogue?.stop()
    await fleet?.stop()
  })

  it('rejects and counts forged-origin and malformed gossip and keeps running', async () => {
    const fleetKey = await loadFleetKey(`${fleet.node('n1').dir}/fleet.key`)
    rogue = await createHost({ privateKey: await generateKeyPair('Ed25519'), fleetKey, listen: ['/ip4/127.0.0.1/tcp/0'] })
    await rogue.start()
    rogue.services.pubsub.subscribe(FLEET_TOPIC)
    await rogue.dial(multiaddr(fleet.node('n1').addr))
    await fleet.waitFor(() => rogue!.services.pubsub.getSubscribers(FLEET_TOPIC).length > 0, { timeoutMs: 15_000, what: 'rogue joined the topic mesh' })

    // n1 knows n2 first, so the forged heartbeat below has a real record to overwrite (and the
    // check after it does not race n2's first heartbeat on a loaded host).
    const n2 = fleet.node('n2').nodeId
    await fleet.waitFor(async () => (await fleet.nodesOf('n1')).find((n: any) => n.id === n2)?.name === 'n2', { timeoutMs: 15_000, what: 'n1 knowing n2' })

    // A heartbeat that claims to be n2's, signed (by gossipsub StrictSign) with the rogue's key.
    const forged = heartbeat(n2)
    await rogue.services.pubsub.publish(FLEET_TOPIC, encodeGossip({ v: PROTOCOL_VERSION, kind: 'heartbeat', heartbeat: forged }))
    await rogue.services.pubsub.publish(FLEET_TOPIC, new TextEncoder().encode('{"v":1,"kind":"heartbeat","heartbeat":{"nope":true}}'))
    await rogue.services.pubsub.publish(FLEET_TOPIC, new Uint8Array([0xff, 0x00, 0x13, 0x37]))

    const status = await fleet.waitFor(async () => {
      const s = await fleet.status('n1')
      return (s.rejections?.origin_mismatch ?? 0) >= 1 && (s.rejections?.undecodable ?? 0) >= 2 ? s : null
    }, { timeoutMs: 15_000, what: 'n1 counting the rejections' })
    expect(status.rejections.origin_mismatch).toBeGreaterThanOrEqual(1)
    const nodes = await fleet.nodesOf('n1')
    expect(nodes.find((n: any) => n.id === n2)?.name).toBe('n2')
    expect(nodes.some((n: any) => n.name === 'forged')).toBe(false)
    expect(nodes.some((n: any) => n.id === rogue!.peerId.toString())).toBe(false)
  })

  it('rejects and counts forged beats in a relay bundle and beats on the wrong topic', async () => {
    const key = await generateKeyPair('Ed25519')
    const before = (await fleet.status('n1')).rejections ?? {}
    const relay = await createHost({ privateKey: key, fleetKey: await loadFleetKey(`${fleet.node('n1').dir}/fleet.key`), listen: ['/ip4/127.0.0.1/tcp/0'] })
    try {
      await relay.start()
      relay.services.pubsub.subscribe(FLEET_TOPIC)
      await relay.dial(multiaddr(fleet.node('n1').addr))
      await fleet.waitFor(() => relay.services.pubsub.getSubscribers(FLEET_TOPIC).length > 0, { timeoutMs: 15_000, what: 'the second rogue on the topic' })
      const sign = nodeSigner(key)
      const n2 = fleet.node('n2').nodeId
      const own = signBeat(encodeGossip({ v: PROTOCOL_VERSION, kind: 'heartbeat', heartbeat: heartbeat(relay.peerId.toString()) }), sign)
      // n2's heartbeat, signed by the rogue: as relays do not sign for their members, it is caught.
      const forged = signBeat(encodeGossip({ v: PROTOCOL_VERSION, kind: 'heartbeat', heartbeat: heartbeat(n2) }), sign)
      await relay.services.pubsub.publish(FLEET_TOPIC, encodeGossip({ v: PROTOCOL_VERSION, kind: 'beats', beats: [own, forged] }))
      // A member's beat belongs on its slot's topic, not the fleet's.
      await relay.services.pubsub.publish(FLEET_TOPIC, encodeGossip({ v: PROTOCOL_VERSION, kind: 'beat', beat: own }))
      const after = await fleet.waitFor(async () => {
        const r = (await fleet.status('n1')).rejections ?? {}
        return (r.bad_beat_signature ?? 0) > (before.bad_beat_signature ?? 0) && (r.wrong_topic ?? 0) > (before.wrong_topic ?? 0) ? r : null
      }, { timeoutMs: 15_000, what: 'n1 counting the forged beat and the misplaced one' })
      expect(after.bad_beat_signature - (before.bad_beat_signature ?? 0)).toBe(1)
      expect(after.wrong_topic - (before.wrong_topic ?? 0)).toBe(1)
      const nodes = await fleet.nodesOf('n1')
      expect(nodes.find((n: any) => n.id === n2)?.name).toBe('n2')
      // The bundle was refused as a whole: not even the rogue's own (valid) beat was taken.
      expect(nodes.some((n: any) => n.id === relay.peerId.toString())).toBe(false)
    } finally {
      await relay.stop()
    }
  })

  it('a peer that takes the beats it should relay and drops them delays them, never silences a member', async () => {
    const key = await generateKeyPair('Ed25519')
    const sink = await createHost({ privateKey: key, fleetKey: await loadFleetKey(`${fleet.node('n1').dir}/fleet.key`), listen: ['/ip4/127.0.0.1/tcp/0'] })
    try {
      await sink.start()
      // Two members and the sink are one beat slot; whatever relayOf names, every member's beat
      // reaches the sink, which drops it.
      sink.services.pubsub.subscribe(FLEET_TOPIC)
      sink.services.pubsub.subscribe(beatTopic(1, 0))
      await sink.dial(multiaddr(fleet.node('n1').addr))
      await sink.dial(multiaddr(fleet.node('n2').addr))
      await fleet.waitFor(() => sink.services.pubsub.getSubscribers(FLEET_TOPIC).length >= 2, { timeoutMs: 15_000, what: 'the sink connected to both members' })
      const n2 = fleet.node('n2').nodeId
      const changes: string[] = []
      const f = fleet.follow('n1', (c) => { if (c.kind === 'liveness' && c.origin === n2) changes.push(String(c.liveness)) }, { heartbeats: true })
      await f.ready(10_000)
      let delivered = 0
      sink.services.pubsub.addEventListener('gossipsub:message', (evt) => { if (evt.detail.msg.topic === beatTopic(1, 0)) delivered++ })
      await sleep(5000)
      await f.stop()
      expect(delivered).toBeGreaterThan(0)
      expect(changes).toEqual([])
      expect((await fleet.nodesOf('n1')).find((n: any) => n.id === n2)?.liveness).toBe('alive')
    } finally {
      await sink.stop()
    }
  })

  it('a daemon with a different fleet key cannot join', async () => {
    const dir = `${fleet.root}/outsider`
    expect((await slm(['init', '--dir', dir, '--name', 'outsider', '--new-fleet'])).code).toBe(0)
    const child = spawnDaemon(dir, ['--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', fleet.node('n1').addr, '--heartbeat-interval', '500'])
    try {
      await waitReady(dir, child, 30_000)
      // Give it several dial rounds; it must stay alone, and the fleet must never see it.
      const deadline = Date.now() + 5000
      while (Date.now() < deadline) {
        const s = await fleet.status('n1')
        expect(s.nodes).toBe(2)
        await new Promise(resolve => setTimeout(resolve, 500))
      }
      const outsider = (await slm(['status', '--json'], { dir })).json
      expect(outsider.peers).toBe(0)
      expect(outsider.nodes).toBe(1)
    } finally {
      await terminate(child, 3000)
    }
  })
})
