/**
 * The `npm pack` tarball operators install (issue 7), made from this tree's build for the tests
 * that install it. SLM_TEST_TARBALL reuses one a CI step already packed.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { run } from './procs.js'
import { repoRoot } from './slm.js'

/** Packs into `destDir` (created) and returns the tarball's path. */
export async function packTarball (npm: string, destDir: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const given = process.env.SLM_TEST_TARBALL
  if (given !== undefined && given !== '') return given
  const root = repoRoot()
  if (!existsSync(join(root, 'dist', 'node', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does)')
  }
  mkdirSync(destDir, { recursive: true }) // npm pack does not create it
  // --ignore-scripts skips the prepack build: tsc rewriting dist/ while other test files start
  // daemons from it could hand one a half-written module. `npm test` has just built it.
  const pack = await run(npm, ['pack', '--ignore-scripts', '--pack-destination', destDir], { cwd: root, env, timeoutMs: 120_000 })
  if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stdout}\n${pack.stderr}`)
  const tarball = readdirSync(destDir).find((f) => f.endsWith('.tgz'))
  if (tarball === undefined) throw new Error(`npm pack made no tarball in ${destDir}`)
  return join(destDir, tarball)
}
