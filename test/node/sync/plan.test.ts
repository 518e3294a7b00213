import { describe, expect, it } from 'vitest'
import { planSync, isEmptyPlan } from '../../../node/sync/index.js'

const digest = (origins: Record<string, { min: number, max: number }>, cmd = 'a', reg = 'r') => ({ origins, commands: { count: 1, hash: cmd }, registers: { count: 1, hash: reg } })

describe('planSync', () => {
  it('pulls what the peer has beyond our max for each origin', () => {
    const plan = planSync(digest({ a: { min: 1, max: 5 } }), digest({ a: { min: 1, max: 9 }, b: { min: 1, max: 2 } }))
    expect(plan.events).toEqual([{ origin: 'a', fromSeq: 6, snapshot: false }, { origin: 'b', fromSeq: 1, snapshot: false }])
    expect(plan.commands).toBe(false)
  })

  it('asks for a snapshot when the peer pruned past our max', () => {
    const plan = planSync(digest({ a: { min: 1, max: 5 } }), digest({ a: { min: 100, max: 200 } }))
    expect(plan.events).toEqual([{ origin: 'a', fromSeq: 100, snapshot: true }])
  })

  it('pulls commands when the command-log hashes differ', () => {
    expect(planSync(digest({}, 'x'), digest({}, 'y')).commands).toBe(true)
  })

  it('is empty when the peer has nothing new', () => {
    expect(isEmptyPlan(planSync(digest({ a: { min: 1, max: 9 } }), digest({ a: { min: 1, max: 9 } })))).toBe(true)
  })
})
