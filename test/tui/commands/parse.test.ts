import { describe, expect, it } from 'vitest'
import { parsePrompt } from '../../../tui/commands/parse.js'

describe('parsePrompt', () => {
  it.each([
    ['nodes', 'fleet'],
    [':roles', 'roles'],
    ['code', 'code'],
    ['ev', 'events'],
    ['fleet', 'fleet']
  ])('"%s" switches to the %s view', (line, view) => {
    expect(parsePrompt(line)).toEqual({ kind: 'view', view })
  })

  it('knows quit, help and an empty line', () => {
    expect(parsePrompt('q').kind).toBe('quit')
    expect(parsePrompt('help').kind).toBe('help')
    expect(parsePrompt('   ').kind).toBe('empty')
  })

  it.each([
    ['admit', 'admit', {}, false],
    ['reject', 'reject', {}, true],
    ['maintenance enter planned "disk swap"', 'maintenance_enter', { type: 'planned', reason: 'disk swap' }, false],
    ['maintenance enter draining', 'maintenance_enter', { type: 'draining', reason: '' }, false],
    ['maintenance enter immediate fire in rack 3', 'maintenance_enter', { type: 'immediate', reason: 'fire in rack 3' }, true],
    ['maintenance exit', 'maintenance_exit', {}, false],
    ['retire', 'retire', {}, true],
    ['recover', 'recover', {}, false],
    ['reprovision', 'reprovision', {}, true],
    ['reset-install', 'reset_install', { force: false }, false],
    ['reset-install force', 'reset_install', { force: true }, false],
    ['role assign redis', 'role_assign', { role: 'redis' }, false],
    ['role unassign redis', 'role_unassign', { role: 'redis' }, false],
    ['tag add gpu', 'tag_add', { tag: 'gpu' }, false],
    ['tag remove gpu', 'tag_remove', { tag: 'gpu' }, false],
    [`code sync frontend ${'a'.repeat(40)}`, 'code_sync', { role: 'frontend', commit: 'a'.repeat(40), strategy: 'rolling' }, false],
    [`code sync frontend ${'a'.repeat(40)} all-at-once`, 'code_sync', { role: 'frontend', commit: 'a'.repeat(40), strategy: 'all-at-once' }, false],
    ['code rollback frontend', 'code_rollback', { role: 'frontend' }, true]
  ])('parses "%s" as %s', (line, action, params, dangerous) => {
    const p = parsePrompt(line)
    expect(p.kind).toBe('action')
    if (p.kind !== 'action') return
    expect(p.action).toBe(action)
    expect(p.params).toEqual(params)
    expect(p.dangerous).toBe(dangerous)
  })

  it('takes a comment with -m and uses the maintenance reason as comment otherwise', () => {
    const withComment = parsePrompt('retire -m "hardware gone"')
    expect(withComment.kind === 'action' && withComment.comment).toBe('hardware gone')
    const reason = parsePrompt('maintenance enter planned "disk swap"')
    expect(reason.kind === 'action' && reason.comment).toBe('disk swap')
  })

  it.each([
    ['frobnicate', /unknown command/],
    ['maintenance enter', /missing type/],
    ['maintenance enter sometime', /bad type "sometime"/],
    ['role assign', /missing role/],
    ['admit now please', /unexpected "now please"/]
  ])('rejects "%s" and says why', (line, message) => {
    const p = parsePrompt(line)
    expect(p.kind).toBe('error')
    if (p.kind === 'error') expect(p.message).toMatch(message)
  })
})
