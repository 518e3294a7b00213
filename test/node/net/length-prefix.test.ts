/**
 * Length-prefixed framing without a RangeError per chunk (node/net/length-prefix.ts), on the
 * library's own decoder with Noise's 2-byte prefix and with its default varint prefix.
 */
import { describe, expect, it } from 'vitest'
import { LengthPrefixedDecoder } from '@libp2p/utils'
import { quietLengthPrefixes } from '../../../node/net/length-prefix.js'

function frame16 (body: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + body.byteLength)
  out[0] = body.byteLength >> 8
  out[1] = body.byteLength & 0xff
  out.set(body, 2)
  return out
}

describe('length prefixes without a throw per chunk', () => {
  quietLengthPrefixes()
  quietLengthPrefixes() // once only

  it('yields the same frames from any split of the bytes, throwing only for a partial prefix', () => {
    let throws = 0
    const uint16 = (data: any): number => {
      if (data.length < 2) { throws++; throw new RangeError('Could not decode int16BE') }
      return data.getUint16(0)
    }
    const bodies = [300, 0, 5, 70, 1].map((n, i) => new Uint8Array(n).fill(i + 1))
    const wire = Buffer.concat(bodies.map(frame16))
    const want = bodies.filter(b => b.byteLength > 0).map(b => Buffer.from(b).toString('hex'))
    for (const cut of [1, 2, 3, 7, 64, 302, wire.byteLength]) {
      throws = 0
      const d = new LengthPrefixedDecoder({ lengthDecoder: uint16, encodingLength: () => 2 })
      const got: string[] = []
      let partialPrefixes = 0
      for (let at = 0; at < wire.byteLength; at += cut) {
        const chunk = wire.subarray(at, Math.min(wire.byteLength, at + cut))
        for (const f of d.decode(chunk)) got.push(Buffer.from((f as any).subarray()).toString('hex'))
        if (((d as any).buffer.byteLength as number) === 1) partialPrefixes++
      }
      expect(got).toEqual(want)
      // The library threw once per chunk; now only when one byte of a prefix is all there is.
      expect(throws).toBe(partialPrefixes)
    }
  })

  it('keeps the default varint prefix working', () => {
    const d = new LengthPrefixedDecoder()
    const body = new Uint8Array(200).fill(9)
    const wire = Buffer.concat([Buffer.from([0xc8, 0x01]), body]) // varint 200
    const got = [...d.decode(wire.subarray(0, 1)), ...d.decode(wire.subarray(1))]
    expect(got.map((f: any) => f.byteLength)).toEqual([200])
  })
})
