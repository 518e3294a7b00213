/**
 * Picks the view on top of the stack and hands it its slice of state.
 */
import type { ViewName } from '../commands/specs.js'
import type { CodeData } from '../hooks/use-code.js'
import type { ViewModel } from '../hooks/use-view-model.js'
import type { FleetData } from '../state/fleet-data.js'
import type { UiAction } from '../state/reducer.js'
import type { UiState } from '../state/ui-state.js'
import type { FleetSource } from '../source.js'
import { CodeView } from './code-view.js'
import { EventsView } from './events-view.js'
import { FleetView } from './fleet-view.js'
import { NodeView } from './node-view.js'
import { RolesView } from './roles-view.js'

export interface ViewBodyProps {
  readonly view: ViewName
  readonly ui: UiState
  readonly vm: ViewModel
  readonly data: FleetData
  readonly source: FleetSource | null
  readonly code: CodeData
  readonly now: number
  readonly width: number
  readonly height: number
  readonly dispatch: (a: UiAction) => void
}

export function ViewBody ({ view, ui, vm, data, source, code, now, width, height, dispatch }: ViewBodyProps): React.JSX.Element {
  switch (view) {
    case 'node':
      return (
        <NodeView
          source={source}
          node={vm.selected}
          nodeId={ui.nodeId ?? ''}
          historyOffset={ui.historyOffset}
          revision={data.changed.get(ui.nodeId ?? '')?.at ?? 0}
          now={now}
          width={width}
          height={height}
          dispatch={dispatch}
        />
      )
    case 'roles':
      return <RolesView roles={vm.roles} nodes={data.nodes} list={ui.lists.roles} filter={ui.filters.roles} width={width} height={height} />
    case 'code':
      return <CodeView code={code} list={ui.lists.code} now={now} width={width} height={height} dispatch={dispatch} />
    case 'events': {
      const l = ui.lists.events
      return <EventsView lines={vm.eventLines} heartbeats={data.heartbeats} list={l} filter={ui.filters.events} follow={l.cursor >= vm.eventLines.length - 1} height={height} />
    }
    case 'fleet':
      return (
        <FleetView
          rows={vm.fleetRows}
          total={data.nodes.length}
          list={ui.lists.fleet}
          sort={ui.sort}
          filter={ui.filters.fleet}
          marks={ui.marks}
          changed={data.changed}
          now={now}
          width={width}
          height={height}
        />
      )
  }
}
