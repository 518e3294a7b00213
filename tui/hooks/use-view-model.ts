/**
 * Derives what the views show from the fleet snapshot and the UI state: filtered and sorted rows,
 * filtered roles and events, the selected node and the command targets. Memoised on the inputs,
 * so a cursor move does not re-sort 1,000 nodes.
 */
import { useEffect, useMemo } from 'react'
import type { NodeView } from '../../protocol/control.js'
import type { RoleDefinition } from '../../protocol/types.js'
import { eventMatches, renderEvent, type EventLine } from '../render/event-line.js'
import { roleMatches } from '../render/role-row.js'
import { selectNodes } from '../render/select.js'
import type { FleetData } from '../state/fleet-data.js'
import type { UiAction } from '../state/reducer.js'
import { currentView, type UiState } from '../state/ui-state.js'

export interface ViewModel {
  readonly fleetRows: readonly NodeView[]
  readonly roles: readonly RoleDefinition[]
  readonly eventLines: readonly EventLine[]
  /** For `:` completion. */
  readonly roleNames: readonly string[]
  readonly tags: readonly string[]
  /** The node under the fleet cursor, or the Node view's node. */
  readonly selected: NodeView | undefined
  /** What an action applies to: the marked nodes, else the selected one. */
  readonly targets: readonly NodeView[]
  readonly roleAtCursor: string | undefined
}

export function useViewModel (data: FleetData, ui: UiState, dispatch: (a: UiAction) => void): ViewModel {
  const fleetRows = useMemo(() => selectNodes(data.nodes, ui.filters.fleet, ui.sort), [data.nodes, ui.filters.fleet, ui.sort])
  const byId = useMemo(() => new Map(data.nodes.map((n) => [n.id, n])), [data.nodes])
  const roles = useMemo(() => data.roles.filter((r) => roleMatches(r, ui.filters.roles)), [data.roles, ui.filters.roles])
  const eventLines = useMemo(() => {
    const nameOf = (id: string): string => byId.get(id)?.name ?? id.slice(-8)
    return data.events.map((c) => renderEvent(c, nameOf)).filter((l) => eventMatches(l, ui.filters.events))
  }, [data.events, byId, ui.filters.events])
  const roleNames = useMemo(() => {
    const names = new Set(data.roles.map((r) => r.name))
    for (const n of data.nodes) for (const r of n.roles) names.add(r)
    return [...names].sort()
  }, [data.roles, data.nodes])
  const tags = useMemo(() => [...new Set(data.nodes.flatMap((n) => n.tags))].sort(), [data.nodes])

  useEffect(() => { dispatch({ type: 'total', list: 'fleet', total: fleetRows.length }) }, [fleetRows.length, dispatch])
  useEffect(() => { dispatch({ type: 'total', list: 'roles', total: roles.length }) }, [roles.length, dispatch])
  useEffect(() => { dispatch({ type: 'total', list: 'events', total: eventLines.length }) }, [eventLines.length, dispatch])

  const view = currentView(ui)
  const fleetCursor = Math.min(ui.lists.fleet.cursor, Math.max(0, fleetRows.length - 1))
  const selected = view === 'node' && ui.nodeId != null ? byId.get(ui.nodeId) : view === 'fleet' ? fleetRows[fleetCursor] : undefined
  const targets = useMemo(() => {
    if (ui.marks.size > 0 && view === 'fleet') return [...ui.marks].map((id) => byId.get(id)).filter((n): n is NodeView => n != null)
    return selected != null ? [selected] : []
  }, [ui.marks, view, byId, selected])
  const roleAtCursor = roles[Math.min(ui.lists.roles.cursor, Math.max(0, roles.length - 1))]?.name

  return { fleetRows, roles, eventLines, roleNames, tags, selected, targets, roleAtCursor }
}
