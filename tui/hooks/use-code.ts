/**
 * Fetches the Code view's data (announced commits, desired vs running per role) and refetches
 * when the live stream reports code announcements, code reports or register changes.
 */
import { useEffect, useState } from 'react'
import type { CodeCommitView, CodeStatusView } from '../../protocol/control.js'
import type { FleetSource } from '../source.js'

export interface CodeData {
  readonly commits: readonly CodeCommitView[]
  readonly status: CodeStatusView | null
  readonly error: string | null
}

export function useCode (source: FleetSource | null, revision: number): CodeData {
  const [data, setData] = useState<CodeData>({ commits: [], status: null, error: null })
  useEffect(() => {
    if (source == null) return
    let cancelled = false
    Promise.all([
      source.call<CodeCommitView[]>('code.log'),
      source.call<CodeStatusView>('code.status')
    ]).then(([commits, status]) => {
      if (!cancelled) setData({ commits, status, error: null })
    }, (err: any) => {
      if (!cancelled) setData((d) => ({ ...d, error: String(err?.message ?? err) }))
    })
    return () => { cancelled = true }
  }, [source, revision])
  return data
}
