/**
 * Free loopback ports for programs that cannot be told "port 0" and report back (Serf binds TCP and
 * UDP on the same port, and its RPC port must be known before it starts).
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import { createServer, type Server } from 'node:net'

async function listenTcp (port: number): Promise<Server | null> {
  return await new Promise((resolve) => {
    const srv = createServer()
    srv.once('error', () => { resolve(null) })
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => { resolve(srv) })
  })
}

async function bindUdp (port: number): Promise<UdpSocket | null> {
  return await new Promise((resolve) => {
    const sock = createSocket('udp4')
    sock.once('error', () => {
      sock.close()
      resolve(null)
    })
    sock.bind(port, '127.0.0.1', () => { resolve(sock) })
  })
}

/**
 * Returns `count` distinct ports free on 127.0.0.1 for both TCP and UDP right now. All are held
 * until every one is found, so the OS never hands the same port out twice within one call.
 */
export async function freePorts (count: number): Promise<number[]> {
  const held: Array<Server | UdpSocket> = []
  const ports: number[] = []
  try {
    for (let tries = 0; ports.length < count && tries < count * 20; tries++) {
      const tcp = await listenTcp(0)
      if (tcp === null) continue
      held.push(tcp)
      const addr = tcp.address()
      if (addr === null || typeof addr === 'string') continue
      const udp = await bindUdp(addr.port)
      if (udp === null) continue
      held.push(udp)
      ports.push(addr.port)
    }
  } finally {
    await Promise.all(held.map(async (h) => {
      await new Promise<void>((resolve) => { h.close(() => { resolve() }) })
    }))
  }
  if (ports.length < count) throw new Error(`found only ${ports.length} of ${count} free loopback ports`)
  return ports
}
