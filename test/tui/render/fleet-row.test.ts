import { describe, expect, it } from 'vitest'
import { changeColour, livenessColour, stateColour, usageColour } from '../../../tui/render/colour.js'
import { countByState, renderFleetRow, versionsText } from '../../../tui/render/fleet-row.js'
import { NODE_STATES } from '../../../protocol/types.js'
import { makeNode } from '../helpers/fixtures.js'

describe('stateColour', () => {
  it.each([
    ['online', 'green'],
    ['degraded', 'yellow'],
    ['error', 'red'],
    ['install_failed', 'red'],
    ['maintenance_planned', 'blue'],
    ['maintenance_offline', 'magenta'],
    ['discovered', 'gray'],
    ['pending', 'gray']
  ])('colours %s %s', (state, colour) => {
    expect(stateColour(state)).toBe(colour)
  })

  it('has a colour for every lifecycle state', () => {
    for (const s of NODE_STATES) expect(stateColour(s)).not.toBe('white')
  })

  it('colours liveness, usage thresholds and recent changes', () => {
    expect(livenessColour('unreachable')).toBe('red')
    expect(usageColour(95)).toBe('red')
    expect(usageColour(75)).toBe('yellow')
    expect(usageColour(10)).toBe('green')
    expect(changeColour(undefined)).toBeUndefined()
    expect(changeColour('state')).toBeDefined()
  })
})

describe('renderFleetRow', () => {
  const now = Date.now()

  it('renders one cell per column from a node record', () => {
    const node = makeNode(2, { lastHeartbeat: now - 4000, state: 'maintenance_planned' })
    const cells = renderFleetRow(node, { now })
    expect(cells.name.text).toBe('n0002')
    expect(cells.state).toEqual({ text: 'maint.planned', colour: 'blue' })
    expect(cells.liveness.text).toBe('alive')
    expect(cells.roles.text).toBe('redis')
    expect(cells.cpu.text).toMatch(/74$/)
    expect(cells.heartbeat.text).toBe('4s')
    expect(cells.versions.text).toMatch(/^redis:[0-9a-f]{7}$/)
  })

  it('marks the code-source holder and colours a just-changed row', () => {
    const cells = renderFleetRow(makeNode(0), { now, changed: 'state' })
    expect(cells.name.text).toContain('◆')
    expect(cells.name.colour).toBe(changeColour('state'))
  })

  it('copes with a node that never sent health', () => {
    const cells = renderFleetRow(makeNode(1, { health: null, lastHeartbeat: null, roles: [], versions: {} }), { now })
    expect(cells.cpu.text).toBe('-')
    expect(cells.heartbeat.text).toBe('-')
    expect(cells.roles.text).toBe('-')
    expect(versionsText({})).toBe('-')
  })

  it('counts nodes by state, largest first', () => {
    const nodes = [makeNode(0), makeNode(1), makeNode(3)]
    expect(countByState(nodes)).toEqual([['online', 2], ['degraded', 1]])
  })
})
