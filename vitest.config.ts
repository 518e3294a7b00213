import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['dist/**', 'node_modules/**', '.tools/**'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
