/**
 * Pure text for the Node view: health lines, role lines and history rows.
 */
import type { HistoryItem, NodeView } from '../../protocol/control.js'
import { formatAge, shortSha, shortState, usage } from './format.js'

export function stamp (ms: number): string {
  const d = new Date(ms)
  const two = (n: number): string => String(n).padStart(2, '0')
  return `${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
}

export function uptime (seconds: number): string {
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`
  if (seconds < 86400 * 2) return `${Math.floor(seconds / 3600)}h`
  return `${Math.floor(seconds / 86400)}d`
}

export function hostLine (n: NodeView): string {
  const h = n.health
  const parts = [`id …${n.id.slice(-12)}`]
  if (h != null) {
    parts.push(`host ${h.hostname}`, h.os, `up ${uptime(h.uptimeSeconds)}`, `load ${h.loadAvg.map((l) => l.toFixed(2)).join(' ')}`)
  }
  if (n.installAttempts > 0) parts.push(`install attempts ${n.installAttempts}`)
  return parts.join(' · ')
}

export function usageLine (n: NodeView): string {
  const h = n.health
  return `cpu ${usage(h?.cpuPercent)}%  mem ${usage(h?.memoryPercent)}%  disk ${usage(h?.diskPercent)}%`
}

export function detectedText (n: NodeView): string {
  const names = Object.keys(n.detectedRoles).sort()
  if (names.length === 0) return '-'
  return names.map((r) => `${r}(${n.detectedRoles[r].status})`).join(' ')
}

export function checksText (n: NodeView): Array<{ text: string, ok: boolean }> {
  const checks = n.health?.checks ?? {}
  return Object.keys(checks).sort().map((role) => {
    const c = checks[role]
    return { text: `${role} ${c.ok ? '✓' : '✗'}${!c.ok && c.detail != null ? ` ${c.detail}` : ''}`, ok: c.ok }
  })
}

export function versionsLine (n: NodeView): string {
  const roles = Object.keys(n.versions).sort()
  return roles.length === 0 ? '-' : roles.map((r) => `${r} ${shortSha(n.versions[r])}`).join('  ')
}

export function historyCells (h: HistoryItem): string[] {
  return [
    stamp(h.at),
    `${shortState(h.from)} → ${shortState(h.to)}`,
    h.trigger,
    h.operator?.name ?? '-',
    h.comment ?? ''
  ]
}

export function heartbeatText (n: NodeView, now: number): string {
  return `hb ${formatAge(n.lastHeartbeat, now)} ago`
}
