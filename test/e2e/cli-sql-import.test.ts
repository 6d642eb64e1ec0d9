import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { bootstrap } from '../../src/main.js'
import { createSourceDatabase, loadHosts, type SourceDatabase } from '../helpers/sql-sources.js'
import { ADMIN_TOKEN, createTestDatabase, dialects, type TestDatabase } from '../helpers/test-env.js'
import { cli } from '../helpers/cli-process.js'

describe('intake import of a database source (no file)', () => {
  for (const dialect of dialects()) {
    it(`[${dialect}] reads the source's table with --local, then only what changed, then everything with --full-read`, async () => {
      let db: TestDatabase | undefined
      const source: SourceDatabase = await createSourceDatabase('postgres')
      try {
        await loadHosts(source, 30)
        db = await createTestDatabase(dialect)
        const env = { ...db.env, INTAKE_ADMIN_TOKEN: ADMIN_TOKEN }
        const booted = await bootstrap(loadConfig(env))
        let sourceId: string
        try {
          const ws = booted.workspaceId
          const created = await booted.services.importSources.create(ws, {
            name: 'Hosts DB',
            type: 'sql',
            config: {
              ...source.connection,
              roots: { hosts: { table: 'hosts', incremental: { column: 'updated_at' } } },
            },
          })
          sourceId = created.id
          const found = await booted.services.fileImports.discover(ws, sourceId, { generate: true })
          await booted.services.mappings.submit(ws, sourceId, 'PUT', found.document!)
        } finally {
          await booted.close()
        }

        const first = await cli(['import', '--local', '--source', sourceId], env)
        expect(first.code, first.out + first.err).toBe(0)
        expect(first.out).not.toContain('uploaded')
        expect(first.out).toMatch(/Hosts DB\s+30\s+0\s+0\s+0\s+0/)

        await source.exec(
          `update hosts set name = 'Renamed' , updated_at = '2024-06-01 00:00:00' where id = 3`,
        )
        const changed = await cli(['import', '--local', '--source', sourceId], env)
        expect(changed.code, changed.out + changed.err).toBe(0)
        // The changed host, and the last one at the previous mark (read again, identical).
        expect(changed.out).toMatch(/Hosts DB\s+0\s+1\s+1\s+0\s+0/)

        const full = await cli(['import', '--local', '--full-read', '--source', sourceId], env)
        expect(full.code, full.out + full.err).toBe(0)
        expect(full.out).toMatch(/Hosts DB\s+0\s+0\s+30\s+0\s+0/)
      } finally {
        await db?.drop()
        await source.drop()
      }
    })
  }
})
