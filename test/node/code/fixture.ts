/**
 * Real temp git repos for the code tests (STYLE.md 10: real repos from a fixture, as changesets'
 * `gitdir`). Plain `git` through execFileSync with a fixed identity, so a developer's global git
 * config (signing, hooks path, default branch) cannot change what the tests see.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Ada Test',
  GIT_AUTHOR_EMAIL: 'ada@example.test',
  GIT_COMMITTER_NAME: 'Ada Test',
  GIT_COMMITTER_EMAIL: 'ada@example.test',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null'
}

export function git (cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
}

export function tempDir (prefix = 'slm-code-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** A new repo on branch `main` in a fresh temp dir (or `dir`). */
export function makeRepo (dir = tempDir('slm-repo-')): string {
  mkdirSync(dir, { recursive: true })
  git(dir, ['init', '-q', '-b', 'main'])
  git(dir, ['config', 'commit.gpgsign', 'false'])
  return dir
}

/** Writes `files` (path -> content) and commits them all; returns the new sha. */
export function commit (repo: string, files: Record<string, string | Buffer>, message = 'change'): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true })
    writeFileSync(join(repo, path), content)
  }
  git(repo, ['add', '-A'])
  git(repo, ['commit', '-q', '--allow-empty', '-m', message])
  return git(repo, ['rev-parse', 'HEAD'])
}

/** `git clone` of `src` into a fresh temp dir (or `dest`). */
export function cloneRepo (src: string, dest = join(tempDir('slm-clone-'), 'repo')): string {
  git(dirname(dest), ['clone', '-q', src, dest])
  git(dest, ['config', 'commit.gpgsign', 'false'])
  return dest
}

export { ENV as gitEnv }
