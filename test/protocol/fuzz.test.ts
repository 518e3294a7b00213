/**
 * Bad input (issue 2): random and mutated bytes into every decoder, and random and mutated values
 * into every validator, never throw anything but ValidationError; anything that does decode
 * re-encodes, and its signatures fail only with SignatureError. Seeds are fixed, so a failure
 * reproduces; fast-check prints the shrunk counterexample.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  decodeCommand, decodeGossip, decodeSyncRequest, decodeSyncResponse, encodeCommand, encodeGossip,
  encodeSyncRequest, encodeSyncResponse
} from '../../protocol/codec.js'
import { SignatureError, ValidationError } from '../../protocol/errors.js'
import { HybridClock, parseHlc } from '../../protocol/hlc.js'
import * as schema from '../../protocol/schema.js'
import { nodePublicKeyFromId, parseOperatorPublicKey, verifyCommand, verifyEvent } from '../../protocol/sign.js'
import type { GossipMessage, NodeEvent } from '../../protocol/types.js'
import { mutateBytes, mutateValue, mutation } from './mutate.js'
import * as s from './samples.js'

const RUNS = 3000

function onlyValidationErrors (fn: () => unknown): unknown {
  try {
    return fn()
  } catch (err) {
    if (!(err instanceof ValidationError)) throw new Error(`threw ${String(err)} (${(err as Error)?.constructor?.name}), not a ValidationError`)
    return undefined
  }
}

/** Signature checks on whatever decoded: only SignatureError (or ValidationError for a bad id). */
function checkSignatures (msg: GossipMessage | undefined): void {
  if (msg == null) return
  const event = (e: NodeEvent): void => {
    try {
      verifyEvent(e, nodePublicKeyFromId(e.origin))
    } catch (err) {
      if (!(err instanceof SignatureError) && !(err instanceof ValidationError)) throw err
    }
  }
  try {
    if (msg.kind === 'command') verifyCommand(msg.command)
    if (msg.kind === 'event') event(msg.event)
    if (msg.kind === 'events') msg.events.forEach(event)
  } catch (err) {
    if (!(err instanceof SignatureError) && !(err instanceof ValidationError)) throw err
  }
}

const DECODERS = [
  { name: 'decodeGossip', decode: decodeGossip, encode: encodeGossip, samples: s.sampleGossipMessages() },
  { name: 'decodeSyncRequest', decode: decodeSyncRequest, encode: encodeSyncRequest, samples: s.sampleSyncRequests() },
  { name: 'decodeSyncResponse', decode: decodeSyncResponse, encode: encodeSyncResponse, samples: s.sampleSyncResponses() },
  { name: 'decodeCommand', decode: decodeCommand, encode: encodeCommand, samples: s.sampleCommands() }
] as const

describe.each(DECODERS)('$name under fuzzing', ({ name, decode, encode, samples }) => {
  it('throws only ValidationError on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
      onlyValidationErrors(() => decode(bytes))
    }), { seed: 1, numRuns: RUNS })
  })

  it('throws only ValidationError on random JSON carrying the right version', () => {
    fc.assert(fc.property(fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 })), (obj) => {
      onlyValidationErrors(() => decode(new TextEncoder().encode(JSON.stringify({ ...obj, v: 1 }))))
    }), { seed: 2, numRuns: RUNS / 2 })
  })

  it('throws only ValidationError on mutated valid encodings, and what decodes re-encodes', () => {
    const encoded = samples.map((x) => (encode as (v: unknown) => Uint8Array)(x))
    fc.assert(fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (pick, mutations) => {
      const bytes = mutations.reduce(mutateBytes, encoded[pick % encoded.length])
      const decoded = onlyValidationErrors(() => decode(bytes))
      if (decoded !== undefined) {
        expect(() => (encode as (v: unknown) => Uint8Array)(decoded)).not.toThrow()
        if (name === 'decodeGossip') checkSignatures(decoded as GossipMessage)
        if (name === 'decodeCommand') checkSignatures({ v: 1, kind: 'command', command: decoded as never })
      }
    }), { seed: 3, numRuns: RUNS })
  })

  if (name === 'decodeCommand') {
    it('throws only ValidationError on random text', () => {
      fc.assert(fc.property(fc.string({ maxLength: 1024, unit: 'grapheme' }), (text) => {
        onlyValidationErrors(() => decodeCommand(text))
      }), { seed: 4, numRuns: RUNS })
    })
  }
})

/** Every exported validator with the samples its mutants start from. */
const VALIDATOR_SAMPLES: Record<string, unknown[]> = { ...s.validatorSamples(), validateParams: [] }

const validators = Object.entries(schema)
  .filter(([k, v]) => k.startsWith('validate') && typeof v === 'function' && k !== 'validateParams') as Array<[string, (v: unknown) => unknown]>

describe('validators under fuzzing', () => {
  it('are all covered by this test', () => {
    expect(validators.map(([k]) => k).sort()).toEqual(Object.keys(VALIDATOR_SAMPLES).filter((k) => k !== 'validateParams').sort())
  })

  it.each(validators)('%s throws only ValidationError on arbitrary JS values', (_name, validate) => {
    const anything = fc.anything({
      maxDepth: 3, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true,
      withTypedArray: true, withSparseArray: true, withBoxedValues: true, withObjectString: true
    })
    fc.assert(fc.property(anything, (value) => { onlyValidationErrors(() => validate(value)) }), { seed: 5, numRuns: 1000 })
  })

  it.each(validators)('%s throws only ValidationError on mutated valid values', (name, validate) => {
    const samples = VALIDATOR_SAMPLES[name]
    fc.assert(fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (pick, mutations) => {
      const value = mutations.reduce(mutateValue, samples[pick % samples.length])
      onlyValidationErrors(() => validate(value))
    }), { seed: 6, numRuns: 1000 })
  })

  it('validateParams throws only ValidationError for any action and params', () => {
    const actions = fc.oneof(fc.constantFrom(...Object.keys(s.SAMPLE_PARAMS)), fc.string({ maxLength: 20 }))
    fc.assert(fc.property(actions, fc.array(mutation, { maxLength: 3 }), (action, mutations) => {
      const base = Object.hasOwn(s.SAMPLE_PARAMS, action) ? (s.SAMPLE_PARAMS as Record<string, unknown>)[action] : {}
      onlyValidationErrors(() => schema.validateParams(action as never, mutations.reduce(mutateValue, base)))
    }), { seed: 7, numRuns: RUNS })
  })

  it('survives a hostile proxy that throws on every read', () => {
    const hostile = new Proxy({}, { get () { throw new Error('boom') }, ownKeys () { throw new Error('boom') } })
    for (const [, validate] of validators) onlyValidationErrors(() => validate(hostile))
  })
})

describe('other parsers under fuzzing', () => {
  it('parseHlc, HybridClock.witness and parseOperatorPublicKey throw only ValidationError', () => {
    const clock = new HybridClock(() => 1_700_000_000_000)
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.stringMatching(/^\d{15}-\d{6}$/), fc.anything()), (x) => {
      onlyValidationErrors(() => parseHlc(x))
      onlyValidationErrors(() => clock.witness(x as string))
      onlyValidationErrors(() => parseOperatorPublicKey(x))
      if (typeof x === 'string') onlyValidationErrors(() => parseOperatorPublicKey('ed25519:' + x))
    }), { seed: 8, numRuns: RUNS })
  })

  it('nodePublicKeyFromId throws only ValidationError', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.stringMatching(/^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/)), (id) => {
      onlyValidationErrors(() => nodePublicKeyFromId(id))
    }), { seed: 9, numRuns: RUNS })
  })
})
