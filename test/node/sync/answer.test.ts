/**
 * The sync server's answer to bad requests is itself a valid response: an error the peer can
 * decode, never one our own encoder refuses (which aborted the stream instead).
 */
import { describe, expect, it } from 'vitest'
import { decodeSyncResponse, encodeSyncResponse } from '../../../protocol/codec.js'
import { AntiEntropy } from '../../../node/sync/index.js'

function server (rejects: string[]): AntiEntropy {
  return new AntiEntropy({ intervalMs: 1000 }, {
    node: undefined as never,
    store: { syncDigest: () => ({ origins: {}, commands: { count: 0, hash: '' }, registers: { count: 0, hash: '' } }), eventsFrom: () => [], ingestEvents: async () => ({ stored: 0 }), commandIds: () => [], commandsExcept: () => ({ commands: [], more: false }) },
    onCommand: async () => {},
    onReject: (reason) => { rejects.push(reason) },
    onPulled: () => {},
    onError: () => {}
  })
}

describe('AntiEntropy.answer', () => {
  it.each([
    ['a huge version object', JSON.stringify({ v: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`key${i}`, i])) })],
    ['a deeply nested version', '{"v":' + '['.repeat(20_000) + ']'.repeat(20_000) + '}'],
    ['bytes that are not JSON', '\u0000\u0001{'],
    ['a request of the wrong kind', JSON.stringify({ v: 1, kind: 'nope' })]
  ])('answers %s with an encodable error and counts it', (_label, text) => {
    const rejects: string[] = []
    const res = server(rejects).answer(new TextEncoder().encode(text))
    expect(res.kind).toBe('error')
    expect(decodeSyncResponse(encodeSyncResponse(res))).toEqual(res)
    expect(rejects).toEqual(['sync_malformed'])
  })
})
