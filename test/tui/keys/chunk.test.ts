import { describe, expect, it } from 'vitest'
import { splitChunk } from '../../../tui/keys/chunk.js'

describe('splitChunk', () => {
  it.each([
    ['jjj', { keys: ['j', 'j', 'j'] }],
    ['j k', { keys: ['j', 'space', 'k'] }],
    ['jj\r', { keys: ['j', 'j', 'enter'] }],
    [':maintenance enter planned "test"\r', { keys: [], prompt: { mode: 'command', text: 'maintenance enter planned "test"', submit: true } }],
    [':roles', { keys: [], prompt: { mode: 'command', text: 'roles', submit: false } }],
    ['jj/web\r', { keys: ['j', 'j'], prompt: { mode: 'filter', text: 'web', submit: true } }],
    ['/n2', { keys: [], prompt: { mode: 'filter', text: 'n2', submit: false } }]
  ])('splits %j', (input, chunk) => {
    expect(splitChunk(input)).toEqual(chunk)
  })
})
