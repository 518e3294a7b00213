import { describe, expect, it } from 'vitest'
import { parseBootstrap } from '../../../node/net/index.js'

describe('bootstrap addresses', () => {
  const good: Array<[string, string]> = [
    ['127.0.0.1:7946', '/ip4/127.0.0.1/tcp/7946'],
    ['localhost:7946', '/dns/localhost/tcp/7946'],
    ['[::1]:7946', '/ip6/::1/tcp/7946'],
    ['/ip4/127.0.0.1/tcp/1', '/ip4/127.0.0.1/tcp/1']
  ]
  for (const [input, want] of good) it(`parses ${input}`, () => { expect(parseBootstrap(input).toString()).toBe(want) })
  for (const input of ['nope', '127.0.0.1', '1.2.3.4:99999', '/ip4/999/tcp/x']) {
    it(`rejects ${input} with a typed error`, () => {
      let err: any
      try { parseBootstrap(input) } catch (e) { err = e }
      expect(err?.code).toBe('ERR_BAD_ADDR')
    })
  }
})
