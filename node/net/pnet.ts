/**
 * The fleet key's connection protector: the libp2p private-network protocol of @libp2p/pnet
 * (exchange 24-byte nonces, then XSalsa20 each way under the pre-shared key), byte for byte, so
 * daemons speak to peers that use @libp2p/pnet. Ours because of a crash in the cipher it ships
 * (the `xsalsa20` package, 1.2.0), found by the chaos run (issue 8):
 *
 * - every connection takes two 64-byte slots of one WebAssembly arena shared by the whole
 *   process, and @libp2p/pnet never frees them (it never calls `finalize`);
 * - once the arena must grow (after ~5,000 connections, or one write larger than ~600 KiB),
 *   every other live connection's cached view of it is detached, so each of their next updates
 *   grows it again, until WebAssembly refuses and the RangeError escapes an event listener.
 *
 * ~8,000 TCP connections that send 24 random bytes each (no fleet key needed: the nonce
 * exchange comes before anything is checked) killed a daemon that had peers. Here each direction
 * is its own XSalsa20 stream computed by @noble/ciphers in plain JS, with no shared state.
 */
import { hsalsa, salsa20 } from '@noble/ciphers/salsa.js'
import { InvalidParametersError, type AbortOptions, type ConnectionProtector, type MessageStream, type MultiaddrConnection } from '@libp2p/interface'
import { AbstractMultiaddrConnection, byteStream, type SendResult } from '@libp2p/utils'

const NONCE_LENGTH = 24
const KEY_LENGTH = 32
const BLOCK = 64
/** @noble/ciphers counts blocks in 32 bits: past 256 GiB one way, a connection must end. */
const MAX_BLOCKS = 2 ** 32 - 1
/** What we hand the socket at once: bounded, whatever piled up while it was full. */
const MAX_SEND_CHUNK = 256 * 1024

/** Salsa20's constants for a 32-byte key, as HSalsa20 takes them. */
const SIGMA = words(new TextEncoder().encode('expand 32-byte k'))

/**
 * One direction of XSalsa20 as a stream: the keystream continues across `update` calls.
 * XSalsa20 is Salsa20 under a subkey HSalsa20 derives from the key and the nonce's first 16
 * bytes, with the nonce's last 8: derived once here, not for every chunk (xsalsa20() would).
 */
export class XSalsa20Stream {
  private offset = 0
  private readonly subkey: Uint8Array
  private readonly nonce: Uint8Array

  constructor (key: Uint8Array, nonce: Uint8Array) {
    if (key.length !== KEY_LENGTH) throw new InvalidParametersError(`the key must be ${KEY_LENGTH} bytes`)
    if (nonce.length !== NONCE_LENGTH) throw new InvalidParametersError(`the nonce must be ${NONCE_LENGTH} bytes`)
    const out = new Uint32Array(8)
    hsalsa(SIGMA, words(key), words(nonce.subarray(0, 16)), out)
    this.subkey = new Uint8Array(out.buffer)
    this.nonce = nonce.slice(16)
  }

  update (data: Uint8Array): Uint8Array {
    if (data.length === 0) return new Uint8Array(0)
    const counter = Math.floor(this.offset / BLOCK)
    const skip = this.offset % BLOCK
    if (counter + Math.ceil((skip + data.length) / BLOCK) > MAX_BLOCKS) throw new Error('pnet: keystream exhausted on this connection (256 GiB); reconnect')
    this.offset += data.length
    if (skip === 0) return salsa20(this.subkey, this.nonce, data, undefined, counter)
    // Mid-block: run the block from its start and drop the bytes already used.
    const padded = new Uint8Array(skip + data.length)
    padded.set(data, skip)
    return salsa20(this.subkey, this.nonce, padded, undefined, counter).subarray(skip)
  }
}

/** `bytes` as 32-bit words in the host's order (a copy: `bytes` need not be aligned), as noble's own u32. */
function words (bytes: Uint8Array): Uint32Array {
  return new Uint32Array(Uint8Array.from(bytes).buffer)
}

interface BoxInit {
  maConn: MultiaddrConnection
  localNonce: Uint8Array
  remoteNonce: Uint8Array
  psk: Uint8Array
  log: MultiaddrConnection['log']
}

type SendData = Parameters<AbstractMultiaddrConnection['sendData']>[0]

/** The connection after the nonce exchange: what goes out is encrypted, what comes in decrypted. */
class BoxConnection extends AbstractMultiaddrConnection {
  private readonly maConn: MultiaddrConnection
  private readonly inbound: XSalsa20Stream
  private readonly outbound: XSalsa20Stream

  constructor (init: BoxInit) {
    super({ log: init.log, remoteAddr: init.maConn.remoteAddr, direction: init.maConn.direction, maxMessageSize: MAX_SEND_CHUNK })
    this.maConn = init.maConn
    this.inbound = new XSalsa20Stream(init.psk, init.remoteNonce)
    this.outbound = new XSalsa20Stream(init.psk, init.localNonce)
    this.maConn.addEventListener('message', (evt) => {
      try {
        const data = evt.data
        if (data instanceof Uint8Array) this.onData(this.inbound.update(data))
        else for (const buf of data) this.onData(this.inbound.update(buf))
      } catch (err) {
        // Never out of a listener: a broken connection ends, the process goes on.
        this.abort(err instanceof Error ? err : new Error(String(err)))
      }
    })
    this.maConn.addEventListener('drain', () => { this.onMuxerDrain() })
    this.maConn.addEventListener('close', (evt) => {
      if (evt.error != null) {
        if (evt.local) this.abort(evt.error)
        else this.onRemoteReset()
      } else {
        this.onTransportClosed()
      }
    })
  }

  async sendClose (options?: AbortOptions): Promise<void> {
    await this.maConn.close(options)
  }

  sendData (data: SendData): SendResult {
    return { sentBytes: data.byteLength, canSendMore: this.maConn.send(this.outbound.update(data.subarray())) }
  }

  sendReset (err: Error): void { this.maConn.abort(err) }
  sendPause (): void { this.maConn.pause() }
  sendResume (): void { this.maConn.resume() }
}

/** The 32 key bytes of a pnet v1 key file (`/key/swarm/psk/1.0.0/`, `/base16/`, hex). */
export function pskOf (keyFile: Uint8Array): Uint8Array {
  const [tag, codec, hex = ''] = new TextDecoder().decode(keyFile).split(/\r?\n/)
  if (tag !== '/key/swarm/psk/1.0.0/' || codec !== '/base16/' || !/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new InvalidParametersError('not a pnet v1 pre-shared key (/key/swarm/psk/1.0.0/, /base16/, 64 hex characters)')
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'))
}

class FleetKeyProtector implements ConnectionProtector {
  private readonly psk: Uint8Array
  private readonly timeoutMs: number
  readonly [Symbol.toStringTag] = 'slm/pnet'

  constructor (keyFile: Uint8Array, timeoutMs: number) {
    this.psk = pskOf(keyFile)
    this.timeoutMs = timeoutMs
  }

  async protect (connection: MessageStream, options?: AbortOptions): Promise<MessageStream> {
    const log = connection.log.newScope('pnet')
    const localNonce = crypto.getRandomValues(new Uint8Array(NONCE_LENGTH))
    const opts = options ?? { signal: AbortSignal.timeout(this.timeoutMs) }
    const bytes = byteStream(connection)
    const [remote] = await Promise.all([bytes.read({ bytes: NONCE_LENGTH, ...opts }), bytes.write(localNonce, opts)])
    return new BoxConnection({ maConn: bytes.unwrap() as MultiaddrConnection, localNonce, remoteNonce: remote.subarray(), psk: this.psk, log })
  }
}

/** Drop-in for @libp2p/pnet's `preSharedKey({ psk })`, same wire protocol. */
export function fleetKeyProtector (init: { psk: Uint8Array, timeoutMs?: number }): () => ConnectionProtector {
  return () => new FleetKeyProtector(init.psk, init.timeoutMs ?? 1000)
}
