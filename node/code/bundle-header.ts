/**
 * The header of a git bundle (gitformat-bundle(5)), pure. A snapshot bundle is a v2 bundle whose
 * prerequisites are the commit's parents and whose pack holds the commit and its whole tree: git
 * itself accepts it in any repo that has the parents (`git bundle verify`, `git fetch`), and a
 * node's cache imports it as a shallow commit. Full-history bundles made by `git bundle create`
 * (no prerequisites) parse the same way.
 */
import { CodeError } from './errors.js'

export interface BundleHeader {
  /** ref name -> object id */
  refs: Map<string, string>
  /** Commits the pack leaves out (for a snapshot, the parents). */
  prerequisites: string[]
  /** Byte offset of the pack after the header. */
  packOffset: number
}

const OID = /^[0-9a-f]{40}$/
/** Far more than a header with an octopus merge's parents needs; a longer one is not ours. */
export const MAX_HEADER_BYTES = 64 * 1024

export function snapshotHeader (sha: string, parents: readonly string[]): string {
  return '# v2 git bundle\n' +
    parents.map(p => `-${p} history not included\n`).join('') +
    `${sha} ${snapshotRef(sha)}\n\n`
}

export function snapshotRef (sha: string): string { return `refs/slm/${sha}` }

/** Parses the header at the start of `head` (the file's first bytes, at most MAX_HEADER_BYTES). */
export function parseBundleHeader (head: Uint8Array): BundleHeader {
  const bad = (why: string): CodeError => new CodeError('ERR_BAD_BUNDLE', `not a git bundle: ${why}`)
  const end = Buffer.from(head.buffer, head.byteOffset, head.byteLength).indexOf('\n\n')
  if (end < 0) throw bad(`no end of header in the first ${head.byteLength} bytes`)
  const lines = Buffer.from(head.buffer, head.byteOffset, end).toString('utf8').split('\n')
  const version = lines.shift()
  if (version !== '# v2 git bundle' && version !== '# v3 git bundle') throw bad(`unknown signature '${String(version).slice(0, 40)}'`)
  const refs = new Map<string, string>()
  const prerequisites: string[] = []
  for (const line of lines) {
    if (line.startsWith('@')) {
      // v3 capabilities: only the object format matters to us, and we speak sha1 only.
      if (line.startsWith('@object-format=') && line !== '@object-format=sha1') throw bad(`object format ${line.slice(15, 40)}`)
      continue
    }
    const prereq = line.startsWith('-')
    const [oid, name] = (prereq ? line.slice(1) : line).split(' ', 2)
    if (!OID.test(oid)) throw bad(`bad object id in '${line.slice(0, 80)}'`)
    if (prereq) prerequisites.push(oid)
    else if (name != null && name !== '') refs.set(name, oid)
    else throw bad(`ref line without a name: '${line.slice(0, 80)}'`)
  }
  return { refs, prerequisites, packOffset: end + 2 }
}
