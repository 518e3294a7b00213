import { describe, expect, it } from 'vitest'
import { completePrompt } from '../../../tui/commands/complete.js'

const ctx = { roles: ['backend', 'frontend', 'redis'], tags: ['gpu', 'rack-a'] }
const lines = (text: string): string[] => completePrompt(text, ctx, 20).map((s) => s.line)

describe('completePrompt', () => {
  it('offers views and actions for an empty line', () => {
    const all = lines('')
    expect(all).toEqual(expect.arrayContaining(['nodes', 'roles', 'code', 'events', 'admit', 'retire', 'maintenance']))
  })

  it('completes the word being typed', () => {
    expect(lines('ma')).toEqual(['maintenance'])
    expect(lines('re')).toEqual(expect.arrayContaining(['reject', 'reprovision', 'recover', 'reset-install', 'retire']))
    expect(lines('maintenance ')).toEqual(['maintenance enter', 'maintenance exit'])
  })

  it('offers argument choices', () => {
    expect(lines('maintenance enter ')).toEqual(['maintenance enter draining', 'maintenance enter planned', 'maintenance enter immediate'])
    expect(lines('maintenance enter pl')).toEqual(['maintenance enter planned'])
  })

  it('offers role and tag names from the fleet', () => {
    expect(lines('role assign ')).toEqual(['role assign backend', 'role assign frontend', 'role assign redis'])
    expect(lines('role assign f')).toEqual(['role assign frontend'])
    expect(lines('tag add ')).toEqual(['tag add gpu', 'tag add rack-a'])
  })

  it('shows the usage while free text is expected', () => {
    const s = completePrompt('maintenance enter planned ', ctx)
    expect(s[0].hint).toContain('maintenance enter draining|planned|immediate [REASON]')
  })

  it('offers nothing for words no command starts with', () => {
    expect(lines('zzz')).toEqual([])
  })

  it('limits the number of suggestions', () => {
    expect(completePrompt('', ctx, 3)).toHaveLength(3)
  })
})
