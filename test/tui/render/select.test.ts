import { describe, expect, it } from 'vitest'
import { matchesFilter, selectNodes, sortNodes } from '../../../tui/render/select.js'
import { makeNode } from '../helpers/fixtures.js'

const nodes = Array.from({ length: 8 }, (_, i) => makeNode(i))

describe('matchesFilter', () => {
  it.each([
    ['', 8],
    ['n0003', 1],
    ['degraded', 1],
    ['maintenance', 1],
    ['frontend', 2],
    ['rack-a', 4],
    ['rack-a frontend', 2],
    ['!online', 4],
    ['FRONTEND', 2],
    ['nothing-like-this', 0]
  ])('"%s" matches %s of 8 nodes', (filter, count) => {
    expect(nodes.filter((n) => matchesFilter(n, filter))).toHaveLength(count)
  })

  it('matches a node id by its start only: "n2" must not pick a node whose peer id holds "N2" somewhere', () => {
    const n1 = { ...makeNode(1), name: 'n1', id: '12D3KooWQxN2abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNP' }
    expect(matchesFilter(n1, 'n2')).toBe(false)
    expect(matchesFilter(n1, '12d3koowqx')).toBe(true)
    expect(matchesFilter(n1, '!12D3KooWQx')).toBe(false)
  })
})

describe('sortNodes', () => {
  it('sorts by name, and reversed', () => {
    const shuffled = [nodes[3], nodes[0], nodes[5]]
    expect(sortNodes(shuffled, { key: 'name', desc: false }).map((n) => n.name)).toEqual(['n0000', 'n0003', 'n0005'])
    expect(sortNodes(shuffled, { key: 'name', desc: true }).map((n) => n.name)).toEqual(['n0005', 'n0003', 'n0000'])
  })

  it('sorts by cpu, nodes without health last when descending', () => {
    const list = [makeNode(1), makeNode(2, { health: null }), makeNode(3)]
    expect(sortNodes(list, { key: 'cpu', desc: true }).map((n) => n.name)).toEqual(['n0001', 'n0003', 'n0002'])
  })

  it('breaks ties by name so rows do not jump between refreshes', () => {
    const same = [makeNode(9, { state: 'online' }), makeNode(1, { state: 'online' })]
    expect(sortNodes(same, { key: 'state', desc: false }).map((n) => n.name)).toEqual(['n0001', 'n0009'])
  })

  it('filters then sorts', () => {
    expect(selectNodes(nodes, 'online', { key: 'name', desc: true }).map((n) => n.name)).toEqual(['n0007', 'n0002', 'n0001', 'n0000'])
  })
})
