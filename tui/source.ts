/**
 * What the TUI needs from a daemon. `node/control`'s `ControlClient` satisfies it structurally;
 * tests and the benchmark pass an in-memory fake. The TUI talks to a daemon through nothing else
 * (DESIGN.md: "tui/ imports from protocol/ and the control client only").
 */
import type { ControlMethod, ReplicaChange } from '../protocol/control.js'

export interface FleetSource {
  /**
   * One request/response call: 'status' -> StatusView, 'nodes' -> NodeView[], 'node' {id} ->
   * NodeView, 'history' {id, limit, offset} -> Page<HistoryItem>, 'roles' -> RoleDefinition[],
   * 'code.log' -> CodeCommitView[], 'code.status' -> CodeStatusView, 'results' {commandId?, node?}
   * -> CommandResultView[], 'audit' {limit} -> AuditItem[], 'submit' {command} -> {id}
   */
  call: <T>(method: ControlMethod, params?: Record<string, unknown>) => Promise<T>
  /** Streams every stored replica change; resolves to an unsubscribe function. */
  subscribe: (onChange: (c: ReplicaChange) => void) => Promise<() => void>
  /** Called once when the connection is gone (daemon stopped, socket closed). */
  onClose: (cb: () => void) => void
  close: () => void
}

/** Opens a fresh connection; the TUI calls it again, with backoff, after a disconnect. */
export type ConnectFleet = () => Promise<FleetSource>
