import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../protocol/errors.js'
import {
  ACTION_PARAMS, LIMITS, validateCommand, validateDesiredCode, validateGossipMessage, validateHeartbeat,
  validateMaintenanceWindow, validateNodeEvent, validateParams, validateRegister, validateRoleDefinition,
  validateSyncDigest, validateSyncRequest, validateSyncResponse, validateTrustEntry, validateUnsignedNodeEvent
} from '../../protocol/schema.js'
import { checkCommand } from '../../node/commands/check.js'
import { ACTIONS, PROTOCOL_VERSION } from '../../protocol/types.js'
import { expectCode, thrown } from './helpers.js'
import {
  SAMPLE_PARAMS, SHA_A, sampleCommand, sampleDesiredCode, sampleDigest, sampleEvent, sampleHealth,
  sampleHeartbeat, sampleRegister, sampleRoleDefinition, sampleTrustEntry, sampleUnsignedEvent, sampleWindow
} from './samples.js'

describe('schemas', () => {
  it.each([
    ['heartbeat', validateHeartbeat, sampleHeartbeat()],
    ['role definition', validateRoleDefinition, sampleRoleDefinition()],
    ['trust entry', validateTrustEntry, sampleTrustEntry()],
    ['maintenance window', validateMaintenanceWindow, sampleWindow()],
    ['desired code', validateDesiredCode, sampleDesiredCode()],
    ['register', validateRegister, sampleRegister()],
    ['tombstone register', validateRegister, sampleRegister({ value: null })],
    ['sync digest', validateSyncDigest, sampleDigest()],
    ['transition event', validateNodeEvent, sampleEvent('transition')]
  ])('accept a valid %s unchanged', (_label, validate, sample) => {
    expect((validate as (v: unknown) => unknown)(sample)).toEqual(sample)
  })

  it('records come back as ordinary objects (protocol/schema/common.ts relies on zod building them so)', () => {
    const hb = validateHeartbeat(sampleHeartbeat({ versions: { web: '1.2.3' } }))
    expect(Object.getPrototypeOf(hb.versions)).toBe(Object.prototype)
    expect(Object.getPrototypeOf(hb.health.checks)).toBe(Object.prototype)
    expect(Object.getPrototypeOf(hb.detectedRoles)).toBe(Object.prototype)
    expect(hb.versions).toEqual({ web: '1.2.3' })
  })

  it('a record over its key limit is refused, naming the record', () => {
    const versions = Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`r${i}`, '1']))
    const err = thrown(() => validateHeartbeat(sampleHeartbeat({ versions })))
    expect(err).toBeInstanceOf(ValidationError)
    expect((err as ValidationError).message).toMatch(/at most 256 keys/)
    expect((err as ValidationError).path).toBe('versions')
  })

  // Each row: a bad value and the path the error must name.
  it.each<[string, unknown, string]>([
    ['name with a space', sampleHeartbeat({ name: 'web 1' }), 'name'],
    ['name over 64 chars', sampleHeartbeat({ name: 'n'.repeat(65) }), 'name'],
    ['origin over 128 chars', sampleHeartbeat({ origin: 'a'.repeat(129) }), 'origin'],
    ['cpu over 100%', sampleHeartbeat({ health: sampleHealth({ cpuPercent: 100.5 }) }), 'health.cpuPercent'],
    ['negative seq', sampleHeartbeat({ seq: -1 }), 'seq'],
    ['fractional seq', sampleHeartbeat({ seq: 1.5 }), 'seq'],
    ['unknown state', sampleHeartbeat({ state: 'sleeping' as never }), 'state'],
    ['257 tags', sampleHeartbeat({ tags: Array.from({ length: 257 }, (_, i) => `t${i}`) }), 'tags'],
    ['load average of two numbers', sampleHeartbeat({ health: sampleHealth({ loadAvg: [1, 2] as never }) }), 'health.loadAvg'],
    ['bad port in a service list', sampleHeartbeat({ health: sampleHealth({ listeningPorts: [{ port: 70_000 }] }) }), 'health.listeningPorts[0].port'],
    ['bad HLC', sampleHeartbeat({ hlc: 'yesterday' }), 'hlc'],
    ['__proto__ as a record key', { ...sampleHeartbeat(), versions: JSON.parse('{"__proto__":"x"}') }, 'versions']
  ])('reject a heartbeat with %s, naming the field', (_label, value, path) => {
    const err = expectCode(() => validateHeartbeat(value), ValidationError, 'ERR_VALIDATION')
    expect(err.path.startsWith(path)).toBe(true)
    expect(err.message).toContain(err.path)
  })

  it('report a heartbeat of another protocol version as ERR_VERSION', () => {
    expectCode(() => validateHeartbeat(sampleHeartbeat({ v: 2 })), ValidationError, 'ERR_VERSION')
  })

  it('reject an event whose body belongs to another type', () => {
    const ev = { ...sampleUnsignedEvent('transition'), body: sampleUnsignedEvent('install').body }
    const err = expectCode(() => validateUnsignedNodeEvent(ev), ValidationError, 'ERR_VALIDATION')
    expect(err.path).toMatch(/^body/)
  })

  it('reject an event type nobody defined', () => {
    expectCode(() => validateUnsignedNodeEvent({ ...sampleUnsignedEvent('install'), type: 'reboot' }), ValidationError, 'ERR_VALIDATION')
  })

  it('reject transition metadata nested too deep or with non-JSON values', () => {
    let deep: unknown = 1
    for (let i = 0; i < 12; i++) deep = { d: deep }
    const body = { ...sampleUnsignedEvent('transition').body, metadata: { deep } }
    expect(thrown(() => validateUnsignedNodeEvent({ ...sampleUnsignedEvent('transition'), body }))).toBeInstanceOf(ValidationError)
    const withDate = { ...sampleUnsignedEvent('transition').body, metadata: { at: new Date() } }
    expect(thrown(() => validateUnsignedNodeEvent({ ...sampleUnsignedEvent('transition'), body: withDate }))).toBeInstanceOf(ValidationError)
  })

  it('reject a maintenance window that ends before it starts', () => {
    const err = expectCode(() => validateMaintenanceWindow(sampleWindow({ end: 1 })), ValidationError, 'ERR_VALIDATION')
    expect(err.path).toBe('end')
  })

  it('reject a role definition with no update strategy', () => {
    const err = expectCode(() => validateRoleDefinition(sampleRoleDefinition({ updateStrategies: [] })), ValidationError, 'ERR_VALIDATION')
    expect(err.path).toBe('updateStrategies')
  })

  it('reject a sync request asking for more than one batch', () => {
    const err = expectCode(() => validateSyncRequest({ v: PROTOCOL_VERSION, kind: 'events', origin: 'n1', fromSeq: 0, limit: 1001 }), ValidationError, 'ERR_VALIDATION')
    expect(err.path).toBe('limit')
  })

  it('prefix paths with the caller-given location', () => {
    const err = expectCode(() => validateHeartbeat(sampleHeartbeat({ seq: -1 }), 'heartbeat'), ValidationError, 'ERR_VALIDATION')
    expect(err.path).toBe('heartbeat.seq')
  })

  it('take commands riding with events only as a non-empty list of at most LIMITS.gossipCommands valid ones', () => {
    const events = [sampleEvent('transition')]
    const msg = (commands: unknown): unknown => ({ v: PROTOCOL_VERSION, kind: 'events', events, commands })
    expect(validateGossipMessage(msg([sampleCommand()]))).toEqual(msg([sampleCommand()]))
    expect((thrown(() => validateGossipMessage(msg([]))) as ValidationError).path).toBe('commands')
    expect((thrown(() => validateGossipMessage(msg(Array.from({ length: LIMITS.gossipCommands + 1 }, () => sampleCommand())))) as ValidationError).path).toBe('commands')
    expect((thrown(() => validateGossipMessage(msg([{ ...sampleCommand(), extra: 1 }]))) as ValidationError).code).toBe('ERR_VALIDATION')
    expect((thrown(() => validateGossipMessage({ v: PROTOCOL_VERSION, kind: 'event', event: events[0], commands: [sampleCommand()] })) as ValidationError).code).toBe('ERR_VALIDATION')
  })

  it('name the inner field of a gossip message', () => {
    const msg = { v: PROTOCOL_VERSION, kind: 'heartbeat', heartbeat: sampleHeartbeat({ health: sampleHealth({ diskPercent: -1 }) }) }
    expect((thrown(() => validateGossipMessage(msg)) as ValidationError).path).toBe('heartbeat.health.diskPercent')
  })
})

describe('action params', () => {
  it('have a schema for every action', () => {
    expect(Object.keys(ACTION_PARAMS).sort()).toEqual([...ACTIONS].sort())
  })

  it.each(ACTIONS.map((a) => [a]))('accept the sample params of %s, alone and inside a signed command', (action) => {
    expect(validateParams(action, SAMPLE_PARAMS[action])).toEqual(SAMPLE_PARAMS[action])
    const cmd = sampleCommand({ action })
    expect(validateCommand(cmd)).toEqual(cmd)
  })

  it.each<[string, string, unknown, string]>([
    ['a short commit', 'code_sync', { role: 'backend', commit: 'abc123' }, 'params.commit'],
    ['an upper-case commit', 'code_sync', { role: 'backend', commit: SHA_A.toUpperCase() }, 'params.commit'],
    ['batch 0', 'code_sync', { role: 'backend', commit: SHA_A, batch: 0 }, 'params.batch'],
    ['batch 101', 'code_sync', { role: 'backend', commit: SHA_A, batch: 101 }, 'params.batch'],
    ['an unknown strategy', 'code_sync', { role: 'backend', commit: SHA_A, strategy: 'yolo' }, 'params.strategy'],
    ['an unknown maintenance type', 'maintenance_enter', { type: 'nap' }, 'params.type'],
    ['a missing role', 'role_assign', {}, 'params.role'],
    ['a tag where a role belongs', 'role_assign', { tag: 'gpu' }, 'params'],
    ['params on an action that takes none', 'admit', { all: true }, 'params.all'],
    ['force as a string', 'reset_install', { force: 'yes' }, 'params.force'],
    ['an unknown operator role', 'trust_add', { key: SAMPLE_PARAMS.trust_add.key, name: 'bob', role: 'root' }, 'params.role'],
    ['a malformed operator key', 'trust_remove', { key: 'ssh-ed25519 AAAA' }, 'params.key'],
    ['an unknown admission policy', 'admission_policy', { policy: 'maybe' }, 'params.policy'],
    ['a window ending before it starts', 'maintenance_schedule', { id: 'w', start: 10, end: 5, type: 'planned' }, 'params.end'],
    ['a role definition with an unknown field', 'role_define', { role: { ...sampleRoleDefinition(), owner: 'x' } }, 'params.role.owner']
  ])('reject %s', (_label, action, params, path) => {
    const cmd = { ...sampleCommand(), action, params }
    const err = expectCode(() => validateCommand(cmd), ValidationError, 'ERR_VALIDATION')
    expect(err.path.startsWith(path)).toBe(true)
  })

  it('reject an unknown action by name', () => {
    const err = expectCode(() => validateCommand({ ...sampleCommand(), action: 'format_disk' }), ValidationError, 'ERR_VALIDATION')
    expect(err.path).toBe('action')
    expect(() => validateParams('format_disk' as never, {})).toThrow(ValidationError)
  })

  it.each<[string, unknown]>([
    ['an empty node list', { kind: 'nodes', nodes: [] }],
    ['an unknown target kind', { kind: 'everyone' }],
    ['a role target with a node list', { kind: 'role', role: 'redis', nodes: ['a'] }]
  ])('reject a command aimed at %s', (_label, target) => {
    const err = expectCode(() => validateCommand({ ...sampleCommand(), target }), ValidationError, 'ERR_VALIDATION')
    expect(err.path).toMatch(/^target/)
  })

  it('reject a comment over 1024 characters', () => {
    const err = expectCode(() => validateCommand({ ...sampleCommand(), comment: 'c'.repeat(1025) }), ValidationError, 'ERR_VALIDATION')
    expect(err.path).toBe('comment')
  })
})

describe('commands parsed inside a gossip message or a sync batch', () => {
  it('are taken as they are by validateCommand (checkCommand runs it on every command); other values are parsed', () => {
    const cmd = sampleCommand()
    const msg = validateGossipMessage({ v: PROTOCOL_VERSION, kind: 'events', events: [sampleEvent('transition')], commands: [cmd] })
    const parsed = msg.kind === 'events' ? msg.commands?.[0] : undefined
    expect(parsed).toEqual(cmd)
    expect(parsed).not.toBe(cmd) // zod built a new object...
    expect(validateCommand(parsed)).toBe(parsed) // ...which is not parsed again
    expect(validateCommand(cmd)).not.toBe(cmd) // the caller's own object still is
    const batch = validateSyncResponse({ v: PROTOCOL_VERSION, kind: 'commands', commands: [cmd], more: false })
    const synced = batch.kind === 'commands' ? batch.commands[0] : undefined
    expect(validateCommand(synced)).toBe(synced)
    expectCode(() => validateCommand({ ...cmd, action: 'format_disk' }), ValidationError, 'ERR_VALIDATION')
  })

  it('one changed after parsing still fails its signature check', () => {
    const msg = validateGossipMessage({ v: PROTOCOL_VERSION, kind: 'command', command: sampleCommand() })
    if (msg.kind !== 'command') throw new Error('expected a command message')
    const changed = msg.command as { comment?: string }
    changed.comment = 'not what the operator signed'
    const res = checkCommand(changed, { trust: () => ({ ...sampleTrustEntry(), role: 'admin' }), seen: () => false, now: Date.now(), skewMs: 60_000 })
    expect(res.ok ? 'ok' : res.code).toBe('bad_signature')
  })
})
