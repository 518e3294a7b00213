import { afterEach, describe, expect, it } from 'vitest'
import { CommanderError } from 'commander'
import { ExitError, UsageError, exitCodeFor, messageFor } from '../../../node/cli/exit.js'
import { emit, formatAge, formatKeyValues, formatTable, printJsonLine, setOutput } from '../../../node/cli/output.js'
import { SlmError } from '../../../protocol/errors.js'

let restore: ((s: string) => void) | undefined
afterEach(() => { if (restore != null) setOutput(restore) })

function capture (): string[] {
  const lines: string[] = []
  restore = setOutput((s) => { lines.push(s) })
  return lines
}

describe('formatTable', () => {
  it('aligns columns, upper-cases headers and shows empty cells as -', () => {
    const rows = [{ id: 'a', state: 'online', peers: 3 }, { id: 'bbbb', state: undefined, peers: 12 }]
    expect(formatTable(rows, [
      { header: 'id', get: (r) => r.id },
      { header: 'state', get: (r) => r.state },
      { header: 'peers', get: (r) => r.peers, align: 'right' }
    ])).toBe([
      'ID    STATE   PEERS',
      'a     online      3',
      'bbbb  -          12',
      ''
    ].join('\n'))
  })

  it('joins list cells with commas', () => {
    expect(formatTable([{ roles: ['a', 'b'] }], [{ header: 'roles', get: (r) => r.roles }])).toBe('ROLES\na,b\n')
  })
})

describe('printing', () => {
  it('emits JSON when asked, text otherwise', () => {
    const out = capture()
    emit(true, { a: 1 }, () => 'human')
    emit(false, { a: 1 }, () => 'human')
    printJsonLine({ b: 2 })
    expect(out).toEqual(['{\n  "a": 1\n}\n', 'human\n', '{"b":2}\n'])
  })

  it('formats key/value blocks and ages', () => {
    expect(formatKeyValues([['node', 'n1'], ['peers', 2]])).toBe('node:  n1\npeers: 2\n')
    expect(formatAge(0, 45_000)).toBe('45s')
    expect(formatAge(0, 3 * 3600_000)).toBe('3h')
    expect(formatAge(undefined, 1)).toBe('-')
  })
})

describe('exit codes', () => {
  it.each([
    [new CommanderError(0, 'commander.helpDisplayed', ''), 0],
    [new CommanderError(0, 'commander.version', ''), 0],
    [new CommanderError(1, 'commander.unknownOption', ''), 2],
    [new CommanderError(1, 'commander.unknownCommand', ''), 2],
    [new CommanderError(1, 'commander.help', ''), 2],
    [new UsageError('bad'), 2],
    [new SlmError('ERR_X', 'failed'), 1],
    [new Error('boom'), 1],
    [new ExitError(1), 1]
  ] as const)('%s -> %i', (err, code) => {
    expect(exitCodeFor(err)).toBe(code)
  })

  it('prints typed errors with their code, and nothing for already-printed ones', () => {
    expect(messageFor(new SlmError('ERR_X', 'went wrong'))).toBe('error: went wrong (ERR_X)')
    expect(messageFor(new CommanderError(1, 'commander.unknownOption', 'x'))).toBeNull()
    expect(messageFor(new ExitError(1))).toBeNull()
  })
})
