import type { Command } from 'commander'
import type { CodeTransferStats, StatusView } from '../../../protocol/control.js'
import { globals } from '../context.js'
import { withDaemon } from '../daemon-client.js'
import { emit, formatKeyValues } from '../output.js'

export function register (program: Command): void {
  program.command('status')
    .description('this node: id, addresses, peers, liveness counts, replica digest')
    .option('--json', 'machine-readable JSON output')
    .action(async (_opts, cmd: Command) => {
      const g = globals(cmd)
      const status = await withDaemon(g.dir, async (c) => await c.call<StatusView>('status'))
      emit(g.json, status, (s) => formatKeyValues([
        ['node', `${s.name} (${s.nodeId})`],
        ['state', s.state],
        ['version', s.version],
        ['listen', s.listenAddrs.join(' ')],
        ['peers', peersLine(s)],
        ...(s.lazyGossip != null ? [['lazy gossip', s.lazyGossip ? 'on (a member lacks a connection)' : 'off (every member connected)']] as Array<[string, string]> : []),
        ['nodes', `${s.nodes} (alive ${s.liveness.alive}, suspect ${s.liveness.suspect}, unreachable ${s.liveness.unreachable})`],
        ['code source', s.codeSource == null ? 'none' : `${s.codeSource.holder} (term ${s.codeSource.term})`],
        ['replica digest', s.replicaDigest],
        ...(s.codeTransfer != null ? [['code transfer', transferLine(s.codeTransfer)]] as Array<[string, string]> : []),
        ...(s.memory != null ? [['memory', `${mib(s.memory.rssBytes)} resident, heap ${mib(s.memory.heapUsedBytes)} in use`]] as Array<[string, string]> : []),
        ...(s.storeError != null ? [['store error', `${s.storeError.code} since ${new Date(s.storeError.at).toISOString()} (${s.storeError.count} failed writes): ${s.storeError.message}`] as [string, string]] : [])
      ]))
    })
}

/** Connections, and what gossip does not reach directly when that differs. */
function peersLine (s: StatusView): string {
  const notes: string[] = []
  if (s.gossipPeers != null && s.gossipPeers !== s.peers) notes.push(`${s.gossipPeers} reached by gossip`)
  const gaps = Object.values(s.gossipGaps ?? {})
  if (gaps.length > 0) {
    const counts = new Map<string, number>()
    for (const g of gaps) counts.set(g, (counts.get(g) ?? 0) + 1)
    notes.push(`gossip gaps: ${[...counts].map(([g, n]) => `${g} ${n}`).join(', ')}`)
  }
  if (s.unconnected != null && s.unconnected > 0) notes.push(`${s.unconnected} live members not reached directly`)
  return notes.length === 0 ? String(s.peers) : `${s.peers} (${notes.join(', ')})`
}

const mib = (bytes: number, digits = 0): string => `${(bytes / 1048576).toFixed(digits)} MiB`

/** Bundles moving now with their progress, else what moved since the daemon started. */
export function transferLine (t: CodeTransferStats): string {
  const done = `served ${t.served} (${mib(t.servedBytes, 1)}), fetched ${t.fetched} (${mib(t.fetchedBytes, 1)}) since start`
  const now = (t.active ?? []).map(a => {
    const who = a.peerName ?? a.peer
    if (a.size === 0) return `asking ${who} for ${a.sha.slice(0, 12)}`
    const pct = Math.floor(100 * a.bytes / a.size)
    return `${a.direction === 'in' ? 'fetching' : 'serving'} ${a.sha.slice(0, 12)} ${a.direction === 'in' ? 'from' : 'to'} ${who}: ${mib(a.bytes, 1)} of ${mib(a.size, 1)} (${pct} %)`
  })
  return [...now, done].join('; ')
}
