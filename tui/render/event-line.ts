/**
 * Pure renderer of one live change for the Events view: time, kind, node, and what happened.
 */
import type { ReplicaChange } from '../../protocol/control.js'
import { resultColour, stateColour } from './colour.js'
import { shortSha } from './format.js'

export interface EventLine {
  readonly time: string
  readonly type: string
  readonly node: string
  readonly text: string
  readonly colour?: string
}

function clock (ms: number): string {
  const d = new Date(ms)
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':')
}

export function renderEvent (c: ReplicaChange, nameOf: (id: string) => string): EventLine {
  const base = { time: clock(c.receivedAt), type: c.type, node: nameOf(c.origin) }
  const ev = c.event
  if (ev != null) {
    switch (ev.type) {
      case 'transition': {
        const b = ev.body
        const who = b.operator != null ? ` by ${b.operator.name}` : ` (${b.trigger})`
        return { ...base, text: `${b.from} → ${b.to}${who}${b.comment != null && b.comment !== '' ? `: ${b.comment}` : ''}`, colour: stateColour(b.to) }
      }
      case 'command_result':
        return { ...base, text: `${ev.body.action} ${ev.body.status}${ev.body.reason != null ? `: ${ev.body.reason}` : ''}`, colour: resultColour(ev.body.status) }
      case 'code_announce':
        return { ...base, text: `commit ${shortSha(ev.body.sha)} on ${ev.body.branch} by ${ev.body.author}: ${ev.body.message}`, colour: 'green' }
      case 'code_report':
        return { ...base, text: `${ev.body.role} ${shortSha(ev.body.sha)} ${ev.body.status}${ev.body.reason != null ? `: ${ev.body.reason}` : ''}`, colour: ev.body.status === 'applied' ? 'green' : ev.body.status === 'fetching' ? 'cyan' : 'red' }
      case 'install':
        return { ...base, text: `install ${ev.body.role ?? ''} ${ev.body.phase} (attempt ${ev.body.attempt})${ev.body.message != null ? `: ${ev.body.message}` : ''}`, colour: ev.body.phase === 'failed' ? 'red' : undefined }
      case 'remediation':
        return { ...base, text: `restart ${ev.body.service} for ${ev.body.role}: ${ev.body.ok ? 'ok' : 'failed'}`, colour: ev.body.ok ? 'yellow' : 'red' }
    }
  }
  if (c.command != null) {
    const t = c.command.target
    const target = t.kind === 'all' ? 'all' : t.kind === 'nodes' ? t.nodes.map(nameOf).join(',') : `${t.kind} ${t.kind === 'role' ? t.role : t.tag}`
    return { ...base, type: 'command', text: `${c.command.action} → ${target}${c.command.comment !== '' ? `: ${c.command.comment}` : ''}`, colour: 'magenta' }
  }
  if (c.kind === 'liveness') return { ...base, type: 'liveness', text: String(c.liveness ?? ''), colour: c.liveness === 'alive' ? 'green' : 'yellow' }
  if (c.kind === 'register') return { ...base, type: 'register', text: `${c.key ?? ''} updated` }
  return { ...base, text: c.kind }
}

export function eventMatches (line: EventLine, filter: string): boolean {
  if (filter === '') return true
  const hay = `${line.type} ${line.node} ${line.text}`.toLowerCase()
  return filter.toLowerCase().split(/\s+/).filter((w) => w !== '').every((w) => hay.includes(w))
}
