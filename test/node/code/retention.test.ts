import { describe, expect, it } from 'vitest'
import { retained } from '../../../node/code/retention.js'

describe('retained', () => {
  const aged = (name: string, mtimeMs: number): { name: string, mtimeMs: number } => ({ name, mtimeMs })

  it('keeps the newest `keep` by modification time, plus every pinned name whatever its age', () => {
    const entries = [aged('a', 1), aged('b', 5), aged('c', 3), aged('d', 4), aged('e', 2)]
    expect([...retained(entries, [], 2)].sort()).toEqual(['b', 'd'])
    expect([...retained(entries, ['a'], 2)].sort()).toEqual(['a', 'b', 'd'])
  })

  it('a pinned name that is not on disk is kept too (a desired commit not fetched yet)', () => {
    expect([...retained([aged('a', 1)], ['z'], 5)].sort()).toEqual(['a', 'z'])
  })

  it('keep 0 or less keeps only what is pinned', () => {
    expect([...retained([aged('a', 1), aged('b', 2)], ['a'], 0)]).toEqual(['a'])
    expect([...retained([aged('a', 1)], [], -3)]).toEqual([])
  })
})
