/**
 * An in-memory FleetSource: answers control calls from plain arrays, records submitted commands,
 * pushes ReplicaChanges on demand and can "lose" the daemon to test the reconnect banner.
 */
import type {
  CodeCommitView, CodeStatusView, CommandResultView, HistoryItem, NodeView, Page, ReplicaChange, StatusView
} from '../../../protocol/control.js'
import type { CommandEnvelope, NodeState, RoleDefinition } from '../../../protocol/types.js'
import type { FleetSource } from '../../../tui/source.js'

export interface FakeFleet {
  nodes: NodeView[]
  roles: RoleDefinition[]
  history: Map<string, HistoryItem[]>
  results: CommandResultView[]
  commits: CodeCommitView[]
  codeStatus: CodeStatusView
}

export class FakeSource implements FleetSource {
  readonly calls: Array<{ method: string, params?: Record<string, unknown> }> = []
  readonly submitted: CommandEnvelope[] = []
  private readonly listeners = new Set<(c: ReplicaChange) => void>()
  private readonly closeCbs: Array<() => void> = []
  closed = false

  readonly fleet: FakeFleet

  constructor (fleet: FakeFleet) {
    this.fleet = fleet
  }

  async call<T> (method: string, params?: Record<string, unknown>): Promise<T> {
    if (this.closed) throw new Error('connection closed')
    this.calls.push({ method, params })
    const f = this.fleet
    switch (method) {
      case 'status': return status(f) as T
      case 'nodes': return f.nodes.map((n) => ({ ...n })) as T
      case 'node': return f.nodes.find((n) => n.id === params?.id) as T
      case 'roles': return f.roles as T
      case 'history': {
        const all = [...(f.history.get(String(params?.id)) ?? [])].reverse()
        const limit = Number(params?.limit ?? 50)
        const offset = Number(params?.offset ?? 0)
        const page: Page<HistoryItem> = { total: all.length, limit, offset, items: all.slice(offset, offset + limit) }
        return page as T
      }
      case 'results': return f.results.filter((r) => params?.node == null || r.node === params.node) as T
      case 'code.log': return f.commits as T
      case 'code.status': return f.codeStatus as T
      case 'audit': return [] as T
      case 'submit': {
        const command = params?.command as CommandEnvelope
        this.submitted.push(command)
        return { id: command.id } as T
      }
      default: throw new Error(`unknown method ${method}`)
    }
  }

  async subscribe (onChange: (c: ReplicaChange) => void): Promise<() => void> {
    if (this.closed) throw new Error('connection closed')
    this.listeners.add(onChange)
    return () => { this.listeners.delete(onChange) }
  }

  onClose (cb: () => void): void {
    if (this.closed) { cb(); return }
    this.closeCbs.push(cb)
  }

  close (): void { this.drop() }

  /** The daemon went away. */
  drop (): void {
    if (this.closed) return
    this.closed = true
    this.listeners.clear()
    for (const cb of this.closeCbs) cb()
  }

  push (c: Partial<ReplicaChange> & Pick<ReplicaChange, 'kind' | 'origin' | 'type'>): void {
    const change: ReplicaChange = { receivedAt: Date.now(), seq: null, ...c }
    for (const l of this.listeners) l(change)
  }

  /** A transition stored on `origin`, as the daemon would push it. */
  pushTransition (origin: string, from: NodeState, to: NodeState, seq = 1): void {
    const node = this.fleet.nodes.find((n) => n.id === origin)
    if (node != null) node.state = to
    this.push({
      kind: 'event',
      origin,
      seq,
      type: 'transition',
      event: { v: 1, origin, seq, hlc: '000000000000001-000000', type: 'transition', body: { from, to, trigger: 'system' }, sig: 'x' }
    })
  }

  get subscribers (): number { return this.listeners.size }
}

function status (f: FakeFleet): StatusView {
  const holder = f.nodes.find((n) => n.isCodeSource)
  return {
    nodeId: f.nodes[0]?.id ?? 'self',
    name: f.nodes[0]?.name ?? 'self',
    version: '0.1.0',
    state: 'online',
    listenAddrs: [],
    peers: Math.max(0, f.nodes.length - 1),
    replicaDigest: 'd',
    liveness: { alive: f.nodes.filter((n) => n.liveness === 'alive').length, suspect: 0, unreachable: 0 },
    nodes: f.nodes.length,
    hlc: '000000000000001-000000',
    startedAt: 0,
    codeSource: holder != null ? { holder: holder.id, term: 1, expiresAt: Date.now() + 60_000 } : null
  }
}
