import { describe, expect, it } from 'vitest'
import { RoleDefinitionError, parseRoleYaml, parseRolesYaml } from '../../../node/roles/index.js'

function parseError (text: string): RoleDefinitionError {
  try {
    parseRoleYaml(text)
  } catch (err) {
    expect(err).toBeInstanceOf(RoleDefinitionError)
    return err as RoleDefinitionError
  }
  throw new Error('expected a parse error')
}

describe('parseRoleYaml', () => {
  it('fills defaults for a minimal role', () => {
    expect(parseRoleYaml('name: web\n')).toEqual({
      name: 'web',
      displayName: 'web',
      description: '',
      serviceType: 'stateless',
      systemdServices: [],
      requiredTags: [],
      dependencies: [],
      healthChecks: [],
      updateStrategies: ['rolling'],
      sourcePaths: [],
      targetPath: 'roles/web',
      autoRestart: false,
      ports: []
    })
  })

  it('accepts snake, kebab and camel keys alike', () => {
    const snake = parseRoleYaml(`
name: web
service_type: stateful
source_paths: [web/]
auto_restart: true
post_sync_cmd: npm ci
health_checks:
  - type: http
    port: 8080
    path: /health
    expect_status: 204
`)
    const kebab = parseRoleYaml(`
name: web
service-type: stateful
source-paths: [web/]
auto-restart: true
post-sync-command: npm ci
health-checks:
  - kind: http
    port: 8080
    path: /health
    expect-status: 204
`)
    const camel = parseRoleYaml(`
name: web
serviceType: stateful
sourcePaths: [web/]
autoRestart: true
postSyncCommand: npm ci
healthChecks: [{ kind: http, port: 8080, path: /health, expectStatus: 204 }]
`)
    expect(snake).toEqual(kebab)
    expect(snake).toEqual(camel)
    expect(snake.healthChecks).toEqual([{ kind: 'http', port: 8080, path: '/health', expectStatus: 204 }])
    expect(snake.postSyncCommand).toBe('npm ci')
  })

  it('takes seed 000\'s `services` spelling and a single service as a one-item list', () => {
    expect(parseRoleYaml('name: r\nservices: redis-stack-server\n').systemdServices).toEqual(['redis-stack-server'])
  })

  it.each([
    ['name: web\nsource_pathz: [a]\n', 'source_pathz', 'ERR_ROLE_INVALID'],
    ['name: web\nports: [80, 70000]\n', 'ports[1]', 'ERR_ROLE_INVALID'],
    ['name: web\nservice_type: sometimes\n', 'service_type', 'ERR_ROLE_INVALID'],
    ['name: web\nauto_restart: yes please\n', 'auto_restart', 'ERR_ROLE_INVALID'],
    ['name: Web Server\n', 'name', 'ERR_ROLE_INVALID'],
    ['description: no name\n', 'name', 'ERR_ROLE_INVALID'],
    ['name: web\nhealth_checks: [{ type: tcp }]\n', 'health_checks[0].port', 'ERR_ROLE_INVALID'],
    ['name: web\nhealth_checks: [{ type: ping, port: 1 }]\n', 'health_checks[0].type', 'ERR_ROLE_INVALID'],
    ['name: web\nhealth_checks: [{ kind: tcp, port: 1, path: /x }]\n', 'health_checks[0].path', 'ERR_ROLE_INVALID'],
    ['name: web\nhealth_checks: [{ kind: http, port: 1, path: health }]\n', 'health_checks[0].path', 'ERR_ROLE_INVALID'],
    ['name: web\nupdate_strategies: [blue-green]\n', 'update_strategies[0]', 'ERR_ROLE_INVALID'],
    ['name: web\ntarget_path: ../../etc\n', 'target_path', 'ERR_ROLE_INVALID'],
    ['name: web\nsource_paths: [a]\nsourcePaths: [b]\n', 'sourcePaths', 'ERR_ROLE_INVALID'],
    ['name: web\ndependencies: [web]\n', 'dependencies', 'ERR_ROLE_INVALID']
  ])('names the bad key in %j', (text, key, code) => {
    const err = parseError(text)
    expect(err.code).toBe(code)
    expect(err.path).toBe(key)
    expect(err.message.startsWith(`${key}: `)).toBe(true)
  })

  it('reports broken YAML as a role error, not a crash', () => {
    const err = parseError('name: [web\n')
    expect(err.code).toBe('ERR_ROLE_INVALID')
    expect(err.message).toMatch(/invalid YAML/)
  })

  it('rejects a document that is not a mapping', () => {
    expect(parseError('- a\n- b\n').code).toBe('ERR_ROLE_INVALID')
  })
})

describe('parseRolesYaml', () => {
  it('reads a list, a roles: list, or a single mapping', () => {
    expect(parseRolesYaml('- name: a\n- name: b\n').map((r) => r.name)).toEqual(['a', 'b'])
    expect(parseRolesYaml('roles:\n  - name: a\n').map((r) => r.name)).toEqual(['a'])
    expect(parseRolesYaml('name: a\n').map((r) => r.name)).toEqual(['a'])
  })

  it('names the entry that is wrong and refuses duplicate names', () => {
    expect(() => parseRolesYaml('- name: a\n- name: a\n')).toThrow(/\[1\]\.name/)
    expect(() => parseRolesYaml('roles:\n  - name: a\n  - nme: b\n')).toThrow(/roles\[1\]\.nme/)
  })
})
