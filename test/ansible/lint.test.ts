/**
 * Issue 7: `ansible-playbook --syntax-check` and `ansible-lint` (production profile, Debian's
 * packages) are clean on every playbook and role in ansible/.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ANSIBLE_DIR, ansibleEnv, requireTool, run } from './helpers.js'

const playbooks = readdirSync(join(ANSIBLE_DIR, 'playbooks')).filter((f) => f.endsWith('.yml'))

describe('ansible/ lints clean', () => {
  it('has playbooks to check', () => {
    expect(playbooks).toContain('site.yml')
  })

  it.each(playbooks)('playbooks/%s passes ansible-playbook --syntax-check with the example inventory', async (playbook) => {
    const r = await run(requireTool('ansible-playbook'),
      ['--syntax-check', '-i', 'inventory/example.yml', join('playbooks', playbook)],
      { cwd: ANSIBLE_DIR, env: ansibleEnv() })
    expect(r.code, r.stdout + r.stderr).toBe(0)
  })

  it('passes ansible-lint with the production profile', async () => {
    const r = await run(requireTool('ansible-lint'), ['--offline'], { cwd: ANSIBLE_DIR, env: ansibleEnv() })
    const out = r.stdout + r.stderr
    expect(r.code, out).toBe(0)
    expect(out).toMatch(/Passed with production profile: 0 failure\(s\), 0 warning\(s\)/)
  }, 180_000)
})
