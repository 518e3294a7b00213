/**
 * What a node keeps of its code, pure: the newest `keep` entries (releases, bundles, cached
 * commits) by modification time, plus the pinned ones (running, previous, desired) whatever age.
 */
export interface Aged { name: string, mtimeMs: number }

export function retained (entries: readonly Aged[], pinned: readonly string[], keep: number): Set<string> {
  const newest = [...entries].sort((a, b) => b.mtimeMs - a.mtimeMs).slice(0, Math.max(0, keep)).map(e => e.name)
  return new Set([...newest, ...pinned])
}
