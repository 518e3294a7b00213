/**
 * What the dashboard knows about the fleet: an immutable snapshot replaced on every flush, so
 * React can compare by reference and memoise filtering and sorting.
 */
import type { CommandResultView, NodeView, ReplicaChange, StatusView } from '../../protocol/control.js'
import type { RoleDefinition } from '../../protocol/types.js'
import type { ChangeKind } from '../render/colour.js'

export interface RowChange {
  readonly kind: ChangeKind
  readonly at: number
}

export interface FleetData {
  readonly status: StatusView | null
  readonly nodes: readonly NodeView[]
  readonly roles: readonly RoleDefinition[]
  /** Node id -> what last changed on it and when (heartbeats are not shown: too frequent). */
  readonly changed: ReadonlyMap<string, RowChange>
  /** Live changes for the Events view, oldest first, bounded (heartbeats counted, not kept). */
  readonly events: readonly ReplicaChange[]
  readonly heartbeats: number
  /** Command results seen on the live stream, oldest first, bounded. */
  readonly results: readonly CommandResultView[]
  /** Bumped when code announcements, code reports or fleet registers change (Code view refetch). */
  readonly codeVersion: number
  /** True once the first `nodes` answer arrived. */
  readonly loaded: boolean
  /** Last failed refetch, shown in the message area. */
  readonly error: string | null
}

export const EMPTY_FLEET: FleetData = {
  status: null,
  nodes: [],
  roles: [],
  changed: new Map(),
  events: [],
  heartbeats: 0,
  results: [],
  codeVersion: 0,
  loaded: false,
  error: null
}

/** The lease holder's name, or '-' (header: "code-source holder"). */
export function codeSourceName (data: FleetData): string {
  const holder = data.status?.codeSource?.holder ?? data.nodes.find((n) => n.isCodeSource)?.id
  if (holder == null) return '-'
  return data.nodes.find((n) => n.id === holder)?.name ?? holder.slice(-8)
}
