import { describe, expect, it } from 'vitest'
import { DEFAULT_ROLES, defaultRoles, validateRole } from '../../../node/roles/index.js'

const NAMES = ['frontend', 'redis', 'npu-worker', 'ai-stack', 'browser', 'backend', 'slm-agent', 'browser-svc', 'code-source']
// Every field of RoleDefinition: the defaults fill all of them, optional ones included.
const FIELDS = [
  'name', 'displayName', 'description', 'serviceType', 'systemdServices', 'requiredTags', 'dependencies',
  'healthChecks', 'installCommand', 'purgeCommand', 'ansiblePlaybook', 'updateStrategies', 'sourcePaths',
  'targetPath', 'autoRestart', 'preSyncCommand', 'postSyncCommand', 'ports', 'detectPath'
]

describe('default roles', () => {
  it('are the nine roles of the seeds', () => {
    expect(DEFAULT_ROLES.map((r) => r.name).sort()).toEqual([...NAMES].sort())
  })

  it.each(DEFAULT_ROLES.map((r) => [r.name, r] as const))('%s fills every field', (_name, role) => {
    expect(Object.keys(role).sort()).toEqual([...FIELDS].sort())
    expect(role.updateStrategies.length).toBeGreaterThan(0)
    expect(role.healthChecks.length).toBeGreaterThan(0)
    expect(role.displayName).not.toBe('')
    expect(role.description).not.toBe('')
  })

  it.each(DEFAULT_ROLES.map((r) => [r.name, r] as const))('%s passes the same validation as operator roles', (_name, role) => {
    expect(validateRole(structuredClone(role))).toEqual(role)
  })

  it('use relative target paths so they resolve under the state dir', () => {
    for (const role of DEFAULT_ROLES) expect(role.targetPath).toBe(`roles/${role.name}`)
  })

  it('keep the seeds\' facts: stateful data roles, code-sync paths and auto-restart', () => {
    const by = Object.fromEntries(DEFAULT_ROLES.map((r) => [r.name, r]))
    expect(by.redis.serviceType).toBe('stateful')
    expect(by['ai-stack'].serviceType).toBe('stateful')
    expect(by.frontend.serviceType).toBe('stateless')
    expect(by.redis.healthChecks[0]).toEqual({ kind: 'tcp', port: 6379 })
    expect(by.redis.requiredTags).toEqual(['has_ssd'])
    expect(by.backend.sourcePaths).toEqual(['backend/', 'src/'])
    expect(by.frontend.sourcePaths).toEqual(['autobot-vue/'])
    expect(by['slm-agent'].sourcePaths).toEqual(['src/slm/agent/'])
    expect(by['browser-svc'].sourcePaths).toEqual(['browser-service/'])
    expect(by['slm-agent'].autoRestart).toBe(true)
    expect(by.frontend.autoRestart).toBe(true)
    expect(by.backend.autoRestart).toBe(false)
    expect(by['npu-worker'].autoRestart).toBe(false)
    expect(by['browser-svc'].autoRestart).toBe(true)
  })

  it('are frozen, and defaultRoles() hands out editable copies', () => {
    expect(Object.isFrozen(DEFAULT_ROLES[0])).toBe(true)
    const copy = defaultRoles()
    copy[0].ports.push(1)
    expect(DEFAULT_ROLES[0].ports).not.toContain(1)
  })
})
