import { describe, expect, it } from 'vitest'
import { isUlid, newCommandId, ulidTime } from '../../protocol/ids.js'
import * as protocol from '../../protocol/index.js'

describe('command ids', () => {
  it('are ULIDs carrying the issue time', () => {
    const id = newCommandId(1_700_000_000_000)
    expect(isUlid(id)).toBe(true)
    expect(ulidTime(id)).toBe(1_700_000_000_000)
  })

  it('sort in issue order, even within one millisecond', () => {
    const ids = Array.from({ length: 1000 }, () => newCommandId(1_700_000_000_000))
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it.each([
    ['lower case', '01hzx3j7q8r9s0t1v2w3x4y5z6'],
    ['too short', '01HZX3J7Q8R9S0T1V2W3X4Y5Z'],
    ['a letter Crockford leaves out', '01HZX3J7Q8R9S0T1V2W3X4Y5ZU'],
    ['a time past year 10889', '81HZX3J7Q8R9S0T1V2W3X4Y5Z6'],
    ['not a string', 42]
  ])('reject %s', (_label, id) => {
    expect(isUlid(id)).toBe(false)
  })
})

describe('the protocol index', () => {
  it.each([
    'PROTOCOL_VERSION', 'CONTROL_SOCKET_NAME', 'ValidationError', 'SignatureError', 'canonicalJson', 'HybridClock',
    'compareHlc', 'newCommandId', 'validateHeartbeat', 'validateCommand', 'ACTION_PARAMS', 'encodeGossip',
    'decodeCommand', 'MAX_GOSSIP_BYTES', 'signCommand', 'verifyCommand', 'signEvent', 'verifyEvent', 'nodePublicKeyFromId'
  ])('re-exports %s', (name) => {
    expect(protocol).toHaveProperty(name)
  })
})
