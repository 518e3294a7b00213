/**
 * When lazy gossip (IHAVE) is worth sending: only while some member lacks a connection.
 */
import { describe, expect, it } from 'vitest'
import { lazyGossipNeeded, lazyGossipOn, setLazyGossip } from '../../../node/net/lazy-gossip.js'

describe('lazyGossipNeeded', () => {
  it('is off when we and every live member we hear report no missing connection', () => {
    expect(lazyGossipNeeded(0, [0, 0, 0])).toBe(false)
    expect(lazyGossipNeeded(0, [])).toBe(false)
  })

  it('is on when we lack a connection, or any member says it does', () => {
    expect(lazyGossipNeeded(1, [0, 0])).toBe(true)
    expect(lazyGossipNeeded(0, [0, 2, 0])).toBe(true)
  })

  it('is on when a member does not say (an older daemon): the safe side', () => {
    expect(lazyGossipNeeded(0, [0, undefined])).toBe(true)
  })
})

describe('setLazyGossip', () => {
  it('sets the two options gossipsub reads at its heartbeat, and refuses a gossipsub without them', () => {
    const pubsub: any = { opts: { Dlazy: 6, gossipFactor: 0.25 } }
    setLazyGossip(pubsub, false)
    expect(pubsub.opts).toEqual({ Dlazy: 0, gossipFactor: 0 })
    expect(lazyGossipOn(pubsub)).toBe(false)
    setLazyGossip(pubsub, true)
    expect(pubsub.opts.Dlazy).toBeGreaterThan(0)
    expect(lazyGossipOn(pubsub)).toBe(true)
    expect(() => { setLazyGossip({} as any, true) }).toThrow(/lazy-gossip\.ts/)
  })
})
