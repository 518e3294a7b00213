/**
 * `slm hook install --repo PATH`: post-commit and post-merge hooks that run `slm code notify`.
 * An existing hook is kept: our lines live between markers and are replaced, not duplicated.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import { globals } from '../context.js'
import { UsageError } from '../exit.js'
import { emit } from '../output.js'

const BEGIN = '# >>> slm code notify >>>'
const END = '# <<< slm code notify <<<'
export const HOOKS = ['post-commit', 'post-merge']

function q (s: string): string { return `'${s.replace(/'/g, "'\\''")}'` }

export function hookBlock (dir: string, slm: string[]): string {
  // Never fail the user's commit because the daemon is down: the commit is announced at start.
  return `${BEGIN}\n${slm.map(q).join(' ')} --dir ${q(dir)} code notify --quiet >/dev/null 2>&1 || true\n${END}\n`
}

export function withHook (existing: string | null, block: string): string {
  if (existing == null || existing.trim() === '') return `#!/bin/sh\n${block}`
  const start = existing.indexOf(BEGIN)
  const end = existing.indexOf(END)
  if (start !== -1 && end > start) return existing.slice(0, start) + block + existing.slice(end + END.length + 1)
  return existing.endsWith('\n') ? existing + block : `${existing}\n${block}`
}

export function register (program: Command): void {
  const hook = program.command('hook').description('git hooks for the code-source repo')
  hook.command('install').description('install post-commit and post-merge hooks that announce commits')
    .requiredOption('--repo <path>', 'the git work tree (or bare repo) to hook')
    .option('--json', 'JSON output')
    .action(async (opts: { repo: string }, cmd: Command) => {
      const g = globals(cmd)
      const repo = resolve(opts.repo)
      const hooksDir = existsSync(join(repo, '.git')) ? join(repo, '.git', 'hooks') : existsSync(join(repo, 'hooks')) && existsSync(join(repo, 'HEAD')) ? join(repo, 'hooks') : null
      if (hooksDir == null) throw new UsageError(`${repo} is not a git repository (no .git directory)`)
      const main = fileURLToPath(new URL('../main.js', import.meta.url))
      const block = hookBlock(g.dir, [process.execPath, main])
      const changed: string[] = []
      for (const name of HOOKS) {
        const path = join(hooksDir, name)
        const before = existsSync(path) ? readFileSync(path, 'utf8') : null
        const after = withHook(before, block)
        if (after !== before) { writeFileSync(path, after); changed.push(name) }
        chmodSync(path, 0o755)
      }
      emit(g.json, { repo, hooks: HOOKS, changed }, (r) => changed.length === 0 ? `hooks already installed in ${r.repo}` : `installed ${changed.join(', ')} in ${r.repo}`)
    })
}
