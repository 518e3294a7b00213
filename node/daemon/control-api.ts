/**
 * The control socket's methods, answered from the local replica: the CLI and TUI never open the
 * database themselves (PITFALLS: even a read-only LMDB open writes the lock file).
 */
import { getHeapSpaceStatistics } from 'node:v8'
import { peerIdFromString } from '@libp2p/peer-id'
import type { AuditItem, CommandResultView, StatusView } from '../../protocol/control.js'
import { SlmError } from '../../protocol/errors.js'
import { countLiveness } from '../liveness/index.js'
import { breakGossipStreams, lazyGossipOn } from '../net/index.js'
import type { ControlHandler } from '../control/index.js'
import type { Daemon } from './daemon.js'
import { nodeViewOf, nodeViews } from './fleet-view.js'
import { auditItems, commandResults } from './audit.js'

class NotFoundError extends SlmError {
  constructor (what: string) {
    super('ERR_NOT_FOUND', what)
    this.name = 'NotFoundError'
  }
}

function str (v: unknown, name: string): string {
  if (typeof v !== 'string' || v === '') throw new SlmError('ERR_BAD_REQUEST', `parameter '${name}' must be a non-empty string`)
  return v
}

function testHooksOn (): void {
  if (process.env.SLM_TEST_HOOKS !== '1') throw new SlmError('ERR_FORBIDDEN', 'test hooks are disabled (set SLM_TEST_HOOKS=1 on the daemon)')
}

function processMemory (): NonNullable<StatusView['memory']> {
  const { rss, heapUsed } = process.memoryUsage()
  const young = getHeapSpaceStatistics().find(s => s.space_name === 'new_space')?.space_size ?? 0
  return { rssBytes: rss, heapUsedBytes: heapUsed, youngGenerationBytes: young }
}

export function controlHandlers (d: Daemon): Record<string, ControlHandler> {
  return {
    status: (): StatusView => {
      const views = nodeViews(d)
      const targets = d.publishTargets()
      return {
        nodeId: d.id,
        name: d.config.name,
        version: d.version,
        // Our own record is among the views just built; none yet reads as the state before admission.
        state: views.find(v => v.id === d.id)?.state ?? 'discovered',
        listenAddrs: d.listenAddrs(),
        peers: new Set(d.node.getConnections().map(c => c.remotePeer.toString())).size,
        gossipPeers: targets.size,
        gossipGaps: Object.fromEntries(d.gossipGaps()),
        unconnected: d.unconnectedMembers(targets),
        lazyGossip: lazyGossipOn(d.node.services.pubsub),
        replicaDigest: d.store.replicaDigest(),
        liveness: countLiveness(views.map(v => v.liveness)),
        nodes: views.length,
        hlc: d.clock.now(),
        startedAt: d.startedAt,
        codeSource: d.code.currentLease(),
        rejections: d.metrics.rejectionCounts,
        storeError: d.store.writeFailure(),
        memory: processMemory(),
        traffic: d.metrics.traffic,
        codeTransfer: d.code.transferStats()
      } as StatusView
    },
    nodes: (p) => nodeViews(d, { state: p.state as string | undefined, role: p.role as string | undefined }),
    node: (p) => {
      const v = nodeViewOf(d, str(p.id, 'id'))
      if (v == null) throw new NotFoundError(`no node with id or name '${String(p.id)}'`)
      return v
    },
    history: (p) => {
      const n = d.store.getNode(str(p.id, 'id'))
      if (n == null) throw new NotFoundError(`no node with id or name '${String(p.id)}'`)
      return d.store.history(n.id, { limit: Number(p.limit ?? 50), offset: Number(p.offset ?? 0) })
    },
    audit: (p): AuditItem[] => auditItems(d, p),
    results: (p): CommandResultView[] => commandResults(d, p.commandId as string | undefined),
    submit: async (p) => {
      const res = await d.submit(p.command)
      if (!res.ok) throw new SlmError(`ERR_COMMAND_${String(res.code).toUpperCase()}`, res.message ?? 'command rejected')
      return { id: res.id }
    },
    roles: () => d.store.roles(),
    trust: () => d.store.trustList(),
    windows: () => d.store.windows(),
    'code.notify': async (p) => await d.code.notify(p),
    'code.log': () => d.code.log(),
    'code.status': (p) => d.code.status(p.role as string | undefined),
    codeSource: () => d.code.sourceView(),
    'test.block': (p) => {
      testHooksOn()
      return d.setBlocked(Array.isArray(p.peers) ? p.peers.map(String) : [], p.connectionsOnly === true)
    },
    'test.breakGossip': (p) => {
      testHooksOn()
      let peer
      try { peer = peerIdFromString(str(p.peer, 'peer')) } catch (err) { throw new SlmError('ERR_BAD_REQUEST', `parameter 'peer' is not a peer id: ${String(err)}`) }
      if (p.how !== 'read-error' && p.how !== 'outbound') throw new SlmError('ERR_BAD_REQUEST', "parameter 'how' must be 'read-error' or 'outbound'")
      breakGossipStreams(d.node.services.pubsub, peer, p.how)
      return { ok: true }
    }
  }
}
