import { describe, expect, it } from 'vitest'
import { validateCommand } from '../../../protocol/schema.js'
import { buildCommand, describeCommand, NoTargetError, type ActionPrompt } from '../../../tui/commands/build.js'
import { parsePrompt } from '../../../tui/commands/parse.js'
import { testSigner } from '../helpers/test-signer.js'

const action = (line: string): ActionPrompt => {
  const p = parsePrompt(line)
  if (p.kind !== 'action') throw new Error(`not an action: ${line}`)
  return p
}

describe('buildCommand', () => {
  const signer = testSigner()
  const now = Date.now()

  it('builds a signed maintenance command aimed at the selected nodes', () => {
    const cmd = buildCommand(action('maintenance enter planned "disk swap"'), ['id1', 'id2'], signer, now)
    expect(cmd.action).toBe('maintenance_enter')
    expect(cmd.params).toEqual({ type: 'planned', reason: 'disk swap' })
    expect(cmd.target).toEqual({ kind: 'nodes', nodes: ['id1', 'id2'] })
    expect(cmd.issuer).toBe(signer.issuer)
    expect(cmd.comment).toBe('disk swap')
    expect(cmd.expiresAt).toBeGreaterThan(now)
    expect(signer.verify(cmd)).toBe(true)
    expect(validateCommand(cmd)).toEqual(cmd)
  })

  it('aims code actions at the role, not at nodes', () => {
    const cmd = buildCommand(action(`code sync frontend ${'b'.repeat(40)}`), [], signer, now)
    expect(cmd.target).toEqual({ kind: 'role', role: 'frontend' })
    expect(validateCommand(cmd).params).toEqual({ role: 'frontend', commit: 'b'.repeat(40), strategy: 'rolling' })
  })

  it('refuses a node action with no node selected', () => {
    expect(() => buildCommand(action('retire'), [], signer, now)).toThrow(NoTargetError)
  })

  it('gives every command a fresh id and a later HLC', () => {
    const a = buildCommand(action('admit'), ['x'], signer, now)
    const b = buildCommand(action('admit'), ['x'], signer, now)
    expect(a.id).not.toBe(b.id)
    expect(b.issuedAt > a.issuedAt).toBe(true)
  })

  it('describes what a command will do for the confirmation', () => {
    expect(describeCommand(action('retire'), ['n1', 'n2'])).toBe('retire on n1, n2')
    expect(describeCommand(action('retire'), ['a', 'b', 'c', 'd', 'e'])).toBe('retire on a, b, c and 2 more')
  })
})

describe('createSigner', () => {
  it('signs as the key in the PEM, and a changed param no longer verifies', () => {
    const signer = testSigner()
    expect(signer.issuer).toBe(signer.publicKey)
    const cmd = buildCommand(action('role assign redis'), ['id1'], signer, Date.now())
    expect(signer.verify(cmd)).toBe(true)
    expect(signer.verify({ ...cmd, params: { role: 'frontend' } })).toBe(false)
    expect(signer.verify({ ...cmd, target: { kind: 'all' } })).toBe(false)
  })

  it('refuses to sign a command whose params the protocol would reject', () => {
    expect(() => buildCommand(action('code sync frontend abc'), [], testSigner(), Date.now())).toThrow(/commit/)
  })
})
