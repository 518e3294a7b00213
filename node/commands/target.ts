/** Does a command's target select this node? Pure. */
import type { Target } from '../../protocol/types.js'

export interface TargetSubject {
  id: string
  name: string
  roles: readonly string[]
  tags: readonly string[]
}

export function matchesTarget (target: Target, node: TargetSubject): boolean {
  switch (target.kind) {
    case 'all': return true
    case 'nodes': return target.nodes.includes(node.id) || target.nodes.includes(node.name)
    case 'role': return node.roles.includes(target.role)
    case 'tag': return node.tags.includes(target.tag)
  }
}

export function describeTarget (target: Target): string {
  switch (target.kind) {
    case 'all': return 'all nodes'
    case 'nodes': return target.nodes.join(', ')
    case 'role': return `role ${target.role}`
    case 'tag': return `tag ${target.tag}`
  }
}
