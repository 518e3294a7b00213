/**
 * Bootstrap address parsing: `host:port` or a multiaddr, with or without `/p2p/<id>` (DESIGN CLI).
 */
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { isIP } from 'node:net'
import { ValidationError } from '../../protocol/errors.js'

export function parseBootstrap (addr: string): Multiaddr {
  const s = addr.trim()
  if (s.startsWith('/')) {
    try {
      return multiaddr(s)
    } catch (err: any) {
      throw new ValidationError(`not a valid multiaddr: ${err?.message ?? err}`, 'bootstrap', 'ERR_BAD_ADDR')
    }
  }
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(s)
  if (m == null) throw new ValidationError(`'${s}' is neither host:port nor a multiaddr`, 'bootstrap', 'ERR_BAD_ADDR')
  const host = m[1]
  const port = Number(m[2])
  if (port < 1 || port > 65535) throw new ValidationError(`port ${port} out of range 1..65535`, 'bootstrap', 'ERR_BAD_ADDR')
  const kind = isIP(host)
  const proto = kind === 4 ? 'ip4' : kind === 6 ? 'ip6' : 'dns'
  return multiaddr(`/${proto}/${host}/tcp/${port}`)
}

export function parseListen (addr: string): Multiaddr {
  if (!addr.startsWith('/')) return parseBootstrap(addr)
  try {
    return multiaddr(addr)
  } catch (err: any) {
    throw new ValidationError(`not a valid multiaddr: ${err?.message ?? err}`, 'listen', 'ERR_BAD_ADDR')
  }
}
