/**
 * Yamux receive-window updates as go-yamux sends them: once half the window has been consumed,
 * not after every data frame. @chainsafe/libp2p-yamux 8 answers each data frame it receives with
 * a window update for the bytes just taken, so every gossip message costs a second frame back
 * (pnet + Noise + a socket write on one side, a read, decrypt and dispatch on the other): in an
 * idle 10-daemon fleet 169 of one daemon's 308 socket writes in 20 s were these 30-byte frames.
 *
 * Flow control is unchanged in kind: the sender still stops at the window's end, and the update
 * comes once half of it is used, so a sender never waits on more than half a window. Frames that
 * carry flags (SYN, ACK) and paused streams keep the library's own handling.
 *
 * This patches the prototype of the package's exported `YamuxStream` (`/stream` in its exports):
 * the muxer builds its streams itself, with no option or subclass hook for this. The test in
 * test/node/net/yamux-window.test.ts fails if a new version renames what this relies on.
 */
import { StreamState, YamuxStream } from '@chainsafe/libp2p-yamux/stream'
import { patchMethodOnce } from './patch.js'

interface WindowFields {
  state: StreamState
  recvWindow: number
  recvWindowCapacity: number
}

/** Installs the half-window rule once per process; later calls are no-ops. */
export function halfWindowUpdates (): void {
  patchMethodOnce<(this: WindowFields) => void>(YamuxStream.prototype, 'sendWindowUpdate', 'slm.yamux.halfWindowUpdates', '@chainsafe/libp2p-yamux YamuxStream (node/net/yamux-window.ts)', (original) => function (this: WindowFields): void {
    const quiet = this.state === StreamState.SYNSent || this.state === StreamState.Established
    if (quiet && this.recvWindow - this.recvWindowCapacity < this.recvWindow / 2) return
    original.call(this)
  })
}
