import os from 'node:os'
import { configDefaults, defineConfig } from 'vitest/config'

/**
 * Files that replace a module with `vi.mock` get a module graph of their own; every other file shares its worker's
 * (`isolate: false`), so the server's modules (Fastify, Kysely, pg, better-sqlite3, exceljs, …) are loaded once per
 * worker instead of once per file — that loading was over 800 s of a run summed over the files. A file that leaves
 * process-wide state behind (a mocked module, a patched global, a changed process.env it does not restore) belongs
 * in this list.
 */
const ISOLATED = ['test/integration/engine-source-fingerprint.test.ts']

export default defineConfig({
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default is one worker fewer than the cores: a single worker on the 2-core CI machine. The suite spends
    // most of its time waiting for databases, listening servers and child processes, so two workers there use the
    // cores that one left idle; each file still gets its own databases (test/helpers/test-env.ts).
    maxWorkers: Math.max(2, os.availableParallelism()),
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...ISOLATED],
          isolate: false,
        },
      },
      { extends: true, test: { name: 'isolated', include: ISOLATED } },
    ],
  },
})
