// Resource thresholds that make a node degraded (DESIGN.md: 90/90/90 by default).
import { describe, expect, it } from 'vitest'
import { breachedResources, thresholdBreached } from '../../../node/health/index.js'

describe('thresholdBreached', () => {
  const h = (cpuPercent: number, memoryPercent: number, diskPercent: number): { cpuPercent: number, memoryPercent: number, diskPercent: number } => ({ cpuPercent, memoryPercent, diskPercent })
  const cases = [
    { name: 'all low is healthy', health: h(10, 20, 30), thresholds: undefined, want: [] },
    { name: 'cpu at the default 90 is breached', health: h(90, 20, 30), thresholds: undefined, want: ['cpu'] },
    { name: 'just under is not', health: h(89.9, 89.9, 89.9), thresholds: undefined, want: [] },
    { name: 'memory and disk together', health: h(0, 95, 99), thresholds: undefined, want: ['memory', 'disk'] },
    { name: 'custom thresholds', health: h(60, 20, 30), thresholds: { cpu: 50, memory: 90, disk: 90 }, want: ['cpu'] },
    { name: 'partial thresholds keep the other defaults', health: h(60, 91, 30), thresholds: { cpu: 70 }, want: ['memory'] }
  ]
  for (const c of cases) {
    it(c.name, () => {
      expect(breachedResources(c.health, c.thresholds)).toEqual(c.want)
      expect(thresholdBreached(c.health, c.thresholds)).toBe(c.want.length > 0)
    })
  }
})
