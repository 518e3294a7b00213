import { describe, expect, it } from 'vitest'
import { DEFAULT_ROLES, affectedRoles, effectiveRoles, pathWithin, resolveTargetPath } from '../../../node/roles/index.js'
import type { DetectedRole } from '../../../protocol/types.js'

const detected = (status: DetectedRole['status']): DetectedRole => ({
  status, pathExists: status !== 'not_installed', serviceRunning: status === 'active', ports: []
})

describe('effectiveRoles', () => {
  it('is the assigned roles plus the detected active ones, sorted and unique', () => {
    expect(effectiveRoles(['redis', 'backend'], {
      frontend: detected('active'),
      browser: detected('inactive'),
      'npu-worker': detected('not_installed'),
      backend: detected('active')
    })).toEqual(['backend', 'frontend', 'redis'])
  })

  it('keeps an assigned role even when detection says it is not installed (assigned overrides)', () => {
    expect(effectiveRoles(['redis'], { redis: detected('not_installed') })).toEqual(['redis'])
  })

  it('is empty for a bare node', () => {
    expect(effectiveRoles([], {})).toEqual([])
  })
})

describe('resolveTargetPath', () => {
  it('resolves a relative target path under the state dir', () => {
    expect(resolveTargetPath({ targetPath: 'roles/frontend' }, '/var/lib/slm')).toBe('/var/lib/slm/roles/frontend')
  })

  it('keeps an absolute target path', () => {
    expect(resolveTargetPath({ targetPath: '/opt/app' }, '/var/lib/slm')).toBe('/opt/app')
  })
})

describe('affectedRoles', () => {
  it.each([
    { changed: ['backend/app.py'], roles: ['backend'] },
    { changed: ['src/slm/agent/agent.py'], roles: ['backend', 'slm-agent'] },
    { changed: ['./autobot-vue/src/App.vue'], roles: ['frontend'] },
    { changed: ['browser-service/index.js', 'README.md'], roles: ['browser-svc'] },
    { changed: ['backend2/x.py', 'srcfoo'], roles: [] },
    { changed: ['README.md'], roles: [] },
    { changed: [], roles: [] }
  ])('$changed -> $roles', ({ changed, roles }) => {
    expect(affectedRoles(changed, DEFAULT_ROLES)).toEqual(roles)
  })

  it('matches by whole path segments', () => {
    expect(pathWithin('src/x', 'src/')).toBe(true)
    expect(pathWithin('src', 'src/')).toBe(true)
    expect(pathWithin('src2/x', 'src')).toBe(false)
    expect(pathWithin('anything', '.')).toBe(true)
  })
})
