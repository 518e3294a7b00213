/**
 * What a key binding may look at and do. The App builds one per render; bindings stay plain
 * data with a `run(ctx)` and never hold React state themselves.
 */
import type { NodeView } from '../../protocol/control.js'
import type { UiAction } from '../state/reducer.js'
import type { UiState } from '../state/ui-state.js'

export interface KeyContext {
  readonly ui: UiState
  readonly dispatch: (a: UiAction) => void
  /** Rows of the current list on screen: PgUp/PgDn move by this much. */
  readonly height: number
  /** The fleet row under the cursor, or the Node view's node. */
  readonly selected: NodeView | undefined
  /** The role under the cursor in the Roles view. */
  readonly role: string | undefined
  /** The commit under the cursor in the Code view, with the first role it affects. */
  readonly commit: { readonly sha: string, readonly role: string | undefined } | undefined
  /** History page size in the Node view. */
  readonly pageSize: number
  /** Runs a `:` line as if typed, e.g. 'retire' (dangerous ones still ask y/N). */
  readonly runLine: (line: string) => void
  /** Opens the `:` prompt pre-filled. */
  readonly openPrompt: (text: string) => void
  readonly quit: () => void
}
