/**
 * Fetches what the Node view shows beyond the node record: one page of transition history and
 * the node's recent command results. Refetches when the page moves or the node changes live.
 */
import { useEffect, useState } from 'react'
import type { CommandResultView, HistoryItem, Page } from '../../protocol/control.js'
import type { FleetSource } from '../source.js'

export interface NodeDetail {
  readonly history: Page<HistoryItem> | null
  readonly results: readonly CommandResultView[]
  readonly error: string | null
}

export interface NodeDetailQuery {
  readonly id: string | null
  readonly offset: number
  readonly limit: number
  /** Changes whenever a live change for this node arrives, to refetch. */
  readonly revision: number
}

export function useNodeDetail (source: FleetSource | null, q: NodeDetailQuery): NodeDetail {
  const [detail, setDetail] = useState<NodeDetail>({ history: null, results: [], error: null })
  useEffect(() => {
    if (source == null || q.id == null) return
    let cancelled = false
    Promise.all([
      source.call<Page<HistoryItem>>('history', { id: q.id, limit: q.limit, offset: q.offset }),
      source.call<CommandResultView[]>('results', { node: q.id }).catch(() => [])
    ]).then(([history, results]) => {
      // The daemon filters results by command only; keep this node's.
      if (!cancelled) setDetail({ history, results: results.filter((r) => r.node === q.id), error: null })
    }, (err: any) => {
      if (!cancelled) setDetail((d) => ({ ...d, error: String(err?.message ?? err) }))
    })
    return () => { cancelled = true }
  }, [source, q.id, q.offset, q.limit, q.revision])
  return detail
}
