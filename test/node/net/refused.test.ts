/**
 * A probe's verdict (node/net/refused.ts): only a refusal from every address proves the member's
 * daemon gone. The shapes are the ones libp2p 3 throws, seen from real dials (one address: the
 * transport's error; several: an AggregateError of them).
 */
import { describe, expect, it } from 'vitest'
import { connectionRefused } from '../../../node/net/refused.js'

const refused = (): Error => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })
const timeout = (): Error => Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' })
const reset = (): Error => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })

describe('connectionRefused', () => {
  it('one address refused', () => { expect(connectionRefused(refused())).toBe(true) })
  it('every address refused', () => { expect(connectionRefused(new AggregateError([refused(), refused()], 'All multiaddr dials failed'))).toBe(true) })
  it('one address refused and one timed out: not proven', () => { expect(connectionRefused(new AggregateError([refused(), timeout()]))).toBe(false) })
  it('no addresses tried: not proven', () => { expect(connectionRefused(new AggregateError([]))).toBe(false) })
  it('a refusal wrapped as the cause', () => { expect(connectionRefused(new Error('dial failed', { cause: refused() }))).toBe(true) })
  it('a reset, a timeout, a denial, or no error at all', () => {
    expect(connectionRefused(reset())).toBe(false)
    expect(connectionRefused(timeout())).toBe(false)
    expect(connectionRefused(Object.assign(new Error('dial denied'), { name: 'DialDeniedError' }))).toBe(false)
    expect(connectionRefused(undefined)).toBe(false)
    expect(connectionRefused('ECONNREFUSED')).toBe(false)
  })
  it('a cause that loops on itself ends', () => {
    const e: Error & { cause?: unknown } = new Error('loop')
    e.cause = e
    expect(connectionRefused(e)).toBe(false)
  })
})
