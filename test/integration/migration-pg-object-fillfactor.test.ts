import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { bootstrap } from '../../src/main.js'
import { OBJECT_FILLFACTOR } from '../../src/store/migrations/0029-pg-object-fillfactor.js'
import {
  databaseMigratedTo,
  insertLegacyObject,
  insertLegacySchema,
  insertLegacyType,
  type Raw,
} from '../helpers/legacy-database.js'
import { dialects, type TestDatabase } from '../helpers/test-env.js'

/**
 * Migration 0029 (PostgreSQL only): `object` gets a fillfactor below 100, so that the rows written after it have room
 * on their page for an update that changes no indexed column — a HOT update, which writes no index entry (a
 * re-import's dirty marks, hash and missing-counter updates). A database made by the earlier migrations keeps its
 * objects; on SQLite nothing changes.
 */
const NOW = '2026-01-01T00:00:00.000Z'
const ROWS = 1000

for (const dialect of dialects()) {
  describe(`migration 0029: room on object's pages for HOT updates [${dialect}]`, () => {
    const dbs: TestDatabase[] = []
    afterAll(async () => {
      for (const db of dbs) await db.drop()
    })

    it('keeps the objects, and the rows written after it take HOT updates of their content hash', async () => {
      const { db, made } = await databaseMigratedTo(
        dialect,
        dbs,
        '0028-sqlite-deferred-object-keys',
        async (raw) => {
          const schema = Number((await insertLegacySchema(raw, { nextObjectSeq: 3, at: NOW })).id)
          const type = await insertType(raw, schema)
          for (const [i, label] of ['a', 'b'].entries())
            await insertLegacyObject(raw, {
              workspaceId: 'w',
              schemaId: schema,
              typeId: type,
              key: `LEG-${i + 1}`,
              label,
              at: NOW,
            })
          return { schema, type }
        },
      )
      const booted = await bootstrap(loadConfig({ ...db.env, LOG_LEVEL: 'silent' }))
      try {
        const raw = booted.services.store.db as Raw
        const labels = await raw
          .selectFrom('object')
          .select(['object_key', 'label'])
          .orderBy('object_key')
          .execute()
        expect(labels).toEqual([
          { object_key: 'LEG-1', label: 'a' },
          { object_key: 'LEG-2', label: 'b' },
        ])
        if (dialect !== 'postgres') return
        const options = await sql<{
          reloptions: string[] | null
        }>`select reloptions from pg_class where relname = 'object' and relkind = 'r'`.execute(raw)
        expect(options.rows[0]!.reloptions).toContain(`fillfactor=${OBJECT_FILLFACTOR}`)
        // Rows inserted in one statement fill their pages up to the fillfactor; marking each one changed (as a
        // re-import's markDirty does) then finds room on its own page for a fifth of them: HOT. With a fillfactor of
        // 100 only the last page has room (at most one page's rows, ~40 of these small rows).
        const hot = await raw.transaction().execute(async (tx) => {
          // Since 0032 the row names its workspace by number (id_number).
          await sql`insert into object (workspace_no, object_schema_id, object_type_id, object_key, label, label_ci,
              content_hash, attribute_values, created_at, updated_at)
            select (select no from id_number where id = 'w'), ${made.schema}, ${made.type}, 'LEG-' || (g + 10), 'x' || g, 'x' || g, 'h', '{}', ${NOW}, ${NOW}
            from generate_series(1, ${ROWS}) g`.execute(tx)
          await sql`update object set content_hash = content_hash || '!' where content_hash = 'h'`.execute(tx)
          const r = await sql<{
            hot: string
          }>`select pg_stat_get_xact_tuples_hot_updated('object'::regclass) as hot`.execute(tx)
          return Number(r.rows[0]!.hot)
        })
        expect(hot).toBeGreaterThan(ROWS / 10)
      } finally {
        await booted.close()
      }
    })
  })
}

function insertType(db: Raw, schemaId: number): Promise<number> {
  return insertLegacyType(db, { schemaId, at: NOW })
}
