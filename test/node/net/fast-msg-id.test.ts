/**
 * gossipsub's fast message id: duplicates of a message (one from most peers) are dropped before
 * their signature is checked again. Same signer and seqno, same id; anything else, another id.
 */
import { describe, expect, it } from 'vitest'
import { fastMsgId } from '../../../node/net/host.js'

const from = new Uint8Array([1, 2, 3])
describe('fastMsgId', () => {
  it('is from + seqno: copies of one message share it, whatever the bytes around them', () => {
    const a = fastMsgId({ from, seqno: new Uint8Array([0, 0, 0, 7]), data: new Uint8Array([9]) })
    expect(fastMsgId({ from: new Uint8Array([1, 2, 3]), seqno: new Uint8Array([0, 0, 0, 7]), data: new Uint8Array([9]) })).toBe(a)
    expect(fastMsgId({ from, seqno: new Uint8Array([0, 0, 0, 8]), data: new Uint8Array([9]) })).not.toBe(a)
    expect(fastMsgId({ from: new Uint8Array([1, 2, 4]), seqno: new Uint8Array([0, 0, 0, 7]) })).not.toBe(a)
  })

  it('an unsigned message (refused by StrictSign anyway) gets an id of its bytes, never a shared one', () => {
    expect(fastMsgId({ data: new Uint8Array([1]) })).not.toBe(fastMsgId({ data: new Uint8Array([2]) }))
  })
})
