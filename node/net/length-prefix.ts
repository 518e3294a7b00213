/**
 * Length-prefixed framing without an exception per frame. @libp2p/utils 7's LengthPrefixedDecoder
 * reads frames in a loop that ends when the length decoder throws a RangeError for want of bytes,
 * so every chunk of data that arrives ends by constructing an Error (with its stack trace) once
 * its frames are taken: Noise frames every message this way, and at 30 idle daemons that was ~3 %
 * of their CPU. An empty buffer now reads as a zero length, which the loop treats as "not enough
 * bytes yet" (the prefix itself is at least one byte), so it stops without the throw; a partial
 * prefix still takes the library's own path.
 *
 * This patches the prototype of the package's exported decoder, which Noise builds itself (no
 * option reaches it). The test in test/node/net/length-prefix.test.ts fails if a new version
 * changes what this relies on.
 */
import { LengthPrefixedDecoder } from '@libp2p/utils'
import { patchMethodOnce } from './patch.js'

const WRAPPED = Symbol('lengthDecoderWrapped')

type LengthDecoder = ((data: { byteLength: number }) => number) & { [WRAPPED]?: true }

interface DecoderFields {
  lengthDecoder: LengthDecoder
  encodingLength: (n: number) => number
}

/** Installs the rule once per process; later calls are no-ops. */
export function quietLengthPrefixes (): void {
  const fields = (): boolean => {
    const probe = new LengthPrefixedDecoder() as unknown as Partial<DecoderFields>
    return typeof probe.lengthDecoder === 'function' && typeof probe.encodingLength === 'function'
  }
  patchMethodOnce<(this: DecoderFields, buf: unknown) => Generator<unknown>>(LengthPrefixedDecoder.prototype, 'decode', 'slm.libp2p.lengthPrefixNoThrowWhenEmpty', '@libp2p/utils LengthPrefixedDecoder (node/net/length-prefix.ts)', (original) => function (this: DecoderFields, buf: unknown): Generator<unknown> {
    const decode = this.lengthDecoder
    if (decode[WRAPPED] !== true) {
      const quiet: LengthDecoder = (data) => data.byteLength === 0 ? 0 : decode(data)
      quiet[WRAPPED] = true
      this.lengthDecoder = quiet
    }
    return original.call(this, buf)
  }, fields)
}
