// Listening ports: the ss parser on real output lines, the /proc fallback, and a real socket.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect, createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { listListeningPorts, parseProcNetTcp, parseSs, PORT_PROCESSES_MAX_AGE_MS } from '../../../node/health/index.js'

describe('parseSs', () => {
  // Lines as `ss -Htlnp` printed them on Debian 12 (iproute2 6.1) and Ubuntu 22.04 (5.15).
  const cases: Array<{ name: string, input: string, want: ReturnType<typeof parseSs> }> = [
    { name: 'no process column without privilege', input: 'LISTEN 0      128    0.0.0.0:2024 0.0.0.0:*', want: [{ port: 2024 }] },
    {
      name: 'IPv4 loopback with a process',
      input: 'LISTEN 0      511    127.0.0.1:45123 0.0.0.0:* users:(("MainThread",pid=6617,fd=23))',
      want: [{ port: 45123, process: 'MainThread', pid: 6617 }]
    },
    {
      name: 'IPv6 brackets and the any-address star',
      input: [
        'LISTEN 0      511        [::1]:45124    [::]:* users:(("node",pid=6617,fd=24))',
        'LISTEN 0      511            *:45125       *:* users:(("node",pid=6617,fd=22))'
      ].join('\n'),
      want: [{ port: 45124, process: 'node', pid: 6617 }, { port: 45125, process: 'node', pid: 6617 }]
    },
    {
      name: 'interface-scoped address (systemd-resolved)',
      input: 'LISTEN 0      4096   127.0.0.53%lo:53        0.0.0.0:*    users:(("systemd-resolve",pid=612,fd=14))',
      want: [{ port: 53, process: 'systemd-resolve', pid: 612 }]
    },
    {
      name: 'several holders: the first names the port',
      input: 'LISTEN 0      511          0.0.0.0:80        0.0.0.0:*    users:(("nginx",pid=1235,fd=6),("nginx",pid=1234,fd=6))',
      want: [{ port: 80, process: 'nginx', pid: 1235 }]
    },
    {
      name: 'one server on v4 and v6 is one port, keeping the entry that names a process',
      input: [
        'LISTEN 0      128          0.0.0.0:22        0.0.0.0:*',
        'LISTEN 0      128             [::]:22           [::]:*    users:(("sshd",pid=801,fd=4))'
      ].join('\n'),
      want: [{ port: 22, process: 'sshd', pid: 801 }]
    },
    { name: 'a build that omits the State column', input: '0      128    0.0.0.0:6379 0.0.0.0:*', want: [{ port: 6379 }] },
    { name: 'sorted by port', input: 'LISTEN 0 1 0.0.0.0:9000 0.0.0.0:*\nLISTEN 0 1 0.0.0.0:80 0.0.0.0:*', want: [{ port: 80 }, { port: 9000 }] },
    { name: 'blank and garbage lines are skipped', input: '\nState Recv-Q\nnonsense here\n', want: [] }
  ]
  for (const c of cases) {
    it(c.name, () => { expect(parseSs(c.input)).toEqual(c.want) })
  }
})

describe('parseProcNetTcp', () => {
  const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'
  it('keeps LISTEN (0A) sockets and decodes the hex port', () => {
    const text = header + [
      '   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1514 1 0000000057a9c1e7 100 0 0 10 0',
      '   1: 0100007F:B0A3 0100007F:07E8 01 00000000:00000000 00:00000000 00000000     0        0 9999 1 0000000000000000 20 4 30 10 -1'
    ].join('\n')
    expect(parseProcNetTcp(text)).toEqual([{ port: 2024 }])
  })

  it('reads tcp6 lines too', () => {
    const text = header + '   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1 0 100 0 0 10 0'
    expect(parseProcNetTcp(text)).toEqual([{ port: 8080 }])
  })
})

describe('listListeningPorts', () => {
  it('finds a real listening socket with its pid via ss', async () => {
    const server = createServer()
    await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
    const port = (server.address() as AddressInfo).port
    try {
      const snap = await listListeningPorts({ timeoutMs: 2_000 })
      const entry = snap.ports.find(p => p.port === port)
      expect(entry).toBeDefined()
      // ss shows processes only for sockets we may inspect: our own always qualify.
      if (snap.source === 'ss') expect(entry?.pid).toBe(process.pid)
    } finally {
      server.close()
    }
  })

  it('falls back to /proc/net/tcp when ss is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slm-procnet-'))
    try {
      await writeFile(join(dir, 'tcp'), 'header\n   0: 00000000:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n')
      const snap = await listListeningPorts({ timeoutMs: 2_000, ss: '/nonexistent/ss', procNet: dir })
      expect(snap).toEqual({ source: 'proc', ports: [{ port: 5432 }] })
      expect(await listListeningPorts({ timeoutMs: 2_000, ss: '/nonexistent/ss', procNet: join(dir, 'none') })).toEqual({ source: 'none', ports: [] })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('reads /proc/net/tcp only as far as the listening sockets, which the kernel lists first', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slm-procnet-'))
    try {
      const line = (i: number, port: number, st: string): string => `${String(i).padStart(6)}: 0100007F:${port.toString(16).toUpperCase().padStart(4, '0')} 0100007F:B0A3 ${st} 00000000:00000000 00:00000000 00000000  1000        0 ${9000 + i} 1 0000000000000000 20 4 30 10 -1`
      // 300 listeners span chunks (lines cut across reads), then 5,000 connections; a listening
      // line after them (no kernel writes one) shows whether the reader went on past the first.
      const listeners = Array.from({ length: 300 }, (_, i) => line(i, 1000 + i, '0A'))
      const established = Array.from({ length: 5_000 }, (_, i) => line(300 + i, 40_000 + (i % 1000), '01'))
      await writeFile(join(dir, 'tcp'), ['  sl  local_address rem_address   st tx_queue rx_queue', ...listeners, ...established, line(5_300, 65_000, '0A')].join('\n') + '\n')
      const snap = await listListeningPorts({ timeoutMs: 2_000, ss: '/nonexistent/ss', procNet: dir })
      expect(snap.source).toBe('proc')
      expect(snap.ports.map(p => p.port)).toEqual(Array.from({ length: 300 }, (_, i) => 1000 + i))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('finds every listening port in this kernel\'s /proc/net/tcp with connections open, and no connection\'s', async () => {
    const servers = await Promise.all(Array.from({ length: 20 }, async () => {
      const server = createServer((sock) => sock.on('error', () => {}))
      await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
      return server
    }))
    const sockets = servers.flatMap(s => Array.from({ length: 10 }, () => connect((s.address() as AddressInfo).port, '127.0.0.1').on('error', () => {})))
    try {
      await Promise.all(sockets.map(async (c) => await new Promise((resolve) => c.once('connect', resolve))))
      const found = (await listListeningPorts({ timeoutMs: 2_000, ss: '/nonexistent/ss' })).ports.map(p => p.port)
      for (const s of servers) expect(found).toContain((s.address() as AddressInfo).port)
      for (const c of sockets) expect(found).not.toContain(c.localPort)
    } finally {
      for (const c of sockets) c.destroy()
      for (const s of servers) s.close()
    }
  })

  it('asks ss for processes (-p) only when the listening ports changed, a named process is gone, or the names are old', async () => {
    // A stand-in ss: logs its arguments, prints the lines of out.txt (-p adds a process column);
    // a stand-in /proc/net with the same ports, which the unchanged-ports check reads instead.
    const dir = await mkdtemp(join(tmpdir(), 'slm-ss-'))
    try {
      const ss = join(dir, 'ss')
      const log = join(dir, 'calls')
      const procNet = join(dir, 'net')
      await mkdir(procNet)
      const listen = async (ports: number[]): Promise<void> => {
        await writeFile(join(dir, 'out.txt'), ports.map(p => `${p}\n`).join(''))
        const lines = ports.map((p, i) => `   ${i}: 00000000:${p.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 ${1000 + i} 1`)
        await writeFile(join(procNet, 'tcp'), ['  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode', ...lines].join('\n') + '\n')
      }
      await listen([80])
      await writeFile(ss, `#!/bin/sh\necho "$*" >> ${log}\nwhile read p; do if [ "$1" = -Htlnp ]; then echo "LISTEN 0 1 0.0.0.0:$p 0.0.0.0:* users:((\\"web\\",pid=7,fd=3))"; else echo "LISTEN 0 1 0.0.0.0:$p 0.0.0.0:*"; fi; done < ${join(dir, 'out.txt')}\n`, { mode: 0o755 })
      let t = 1_000_000
      let webRunning = true
      const memo: { current?: any, now: () => number, running: (pid: number) => boolean } = { now: () => t, running: (pid) => pid === 7 && webRunning }
      const calls = async (): Promise<string[]> => (await readFile(log, 'utf8')).trim().split('\n')
      const web = (port: number): object => ({ port, process: 'web', pid: 7 })
      const opts = { timeoutMs: 2_000, ss, procNet }

      expect((await listListeningPorts(opts, memo)).ports).toEqual([web(80)])
      t += 10_000
      expect((await listListeningPorts(opts, memo)).ports).toEqual([web(80)])
      expect(await calls()).toEqual(['-Htlnp'])
      await listen([80, 443])
      t += 10_000
      expect((await listListeningPorts(opts, memo)).ports).toEqual([web(80), web(443)])
      expect(await calls()).toEqual(['-Htlnp', '-Htlnp'])
      // Ports unchanged and their process still there: minutes later, still no -p.
      t += 5 * 60_000
      await listListeningPorts(opts, memo)
      expect(await calls()).toEqual(['-Htlnp', '-Htlnp'])
      // The process named for them is gone (a restart keeping the port): asked again at once.
      webRunning = false
      t += 10_000
      await listListeningPorts(opts, memo)
      expect(await calls()).toEqual(['-Htlnp', '-Htlnp', '-Htlnp'])
      webRunning = true
      t += PORT_PROCESSES_MAX_AGE_MS
      await listListeningPorts(opts, memo)
      expect(await calls()).toEqual(['-Htlnp', '-Htlnp', '-Htlnp', '-Htlnp'])
      // Without /proc/net the check is ss's plain query.
      t += 10_000
      expect((await listListeningPorts({ ...opts, procNet: join(dir, 'none') }, memo)).ports).toEqual([web(80), web(443)])
      expect((await calls()).slice(-1)).toEqual(['-Htln'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
