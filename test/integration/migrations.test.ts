import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { createStore } from '../../src/store/create-store.js'
import { MIGRATION_NAMES, migrateToLatest } from '../../src/store/migrate.js'
import { createTestDatabase, dialects, type TestDatabase } from '../helpers/test-env.js'

const TABLES = [
  'workspace',
  'api_token',
  'object_schema',
  'object_type',
  'attribute',
  'status',
  'object',
  'object_value',
  'object_reference',
  'object_mark',
  'import_source',
  'mapping_progress',
]

for (const dialect of dialects()) {
  describe(`migrations [${dialect}]`, () => {
    const dbs: TestDatabase[] = []
    afterAll(async () => {
      for (const db of dbs) await db.drop()
    })

    it('builds the whole schema on an empty database, and a second run applies nothing', async () => {
      const db = await createTestDatabase(dialect)
      dbs.push(db)
      const store = createStore(loadConfig(db.env).database)
      try {
        const first = await migrateToLatest(store)
        expect(first.error).toBeUndefined()
        // Every migration runs, in name order (features add theirs as they arrive).
        expect(first.applied).toEqual(MIGRATION_NAMES)
        expect(first.applied[0]).toBe('0001-foundation')
        expect(first.applied).toEqual([...first.applied].sort())
        const tables = await store.db.introspection.getTables()
        expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(TABLES))
        const second = await migrateToLatest(store)
        expect(second).toEqual({ applied: [] })
      } finally {
        await store.close()
      }
    })

    it.runIf(dialect === 'postgres')(
      'stores the change log and pushed chunks with lz4 compression on PostgreSQL',
      async () => {
        const db = await createTestDatabase(dialect)
        dbs.push(db)
        const store = createStore(loadConfig(db.env).database)
        try {
          await migrateToLatest(store)
          const { rows } = await sql<{ table: string; column: string; compression: string }>`
            select c.relname as "table", a.attname as "column", a.attcompression as compression
            from pg_attribute a join pg_class c on c.oid = a.attrelid
            where (c.relname, a.attname) in (('change_batch', 'changes'), ('execution_chunk', 'payload'))
            order by 1`.execute(store.db)
          expect(rows).toEqual([
            { table: 'change_batch', column: 'changes', compression: 'l' },
            { table: 'execution_chunk', column: 'payload', compression: 'l' },
          ])
        } finally {
          await store.close()
        }
      },
    )

    it('enforces foreign keys on both engines', async () => {
      const db = await createTestDatabase(dialect)
      dbs.push(db)
      const store = createStore(loadConfig(db.env).database)
      try {
        await migrateToLatest(store)
        await expect(
          sql`insert into object_type (workspace_id, object_schema_id, name, description, position, created_at, updated_at)
              values ('nope', 999, 'X', '', 0, 'now', 'now')`.execute(store.db),
        ).rejects.toThrow()
      } finally {
        await store.close()
      }
    })
  })
}
