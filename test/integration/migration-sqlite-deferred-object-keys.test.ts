import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { bootstrap } from '../../src/main.js'
import {
  databaseMigratedTo,
  insertLegacyObject,
  insertLegacySchema,
  insertObjectNow,
  withIdTexts,
  type Raw,
} from '../helpers/legacy-database.js'
import { dialects, type TestDatabase } from '../helpers/test-env.js'

/**
 * Migration 0028 rebuilds SQLite's object table with its foreign keys checked at commit (deferred), so that the
 * engine's multi-row inserts keep no statement journal (test/unit/store/sqlite-bulk-no-statement-journal.test.ts).
 * A database made by the earlier migrations keeps its objects, their ids and history, and the ids never come back;
 * the keys still hold, at commit. PostgreSQL: nothing changes.
 */
const NOW = '2026-01-01T00:00:00.000Z'

for (const dialect of dialects()) {
  describe(`migration 0028: SQLite object keys checked at commit [${dialect}]`, () => {
    const dbs: TestDatabase[] = []
    afterAll(async () => {
      for (const db of dbs) await db.drop()
    })

    it('keeps objects, ids, history and indexes; a new object gets an id never used', async () => {
      const { db, made } = await databaseMigratedTo(
        dialect,
        dbs,
        '0027-object-key-index',
        writeAsBefore(dialect),
      )
      const booted = await bootstrap(loadConfig({ ...db.env, LOG_LEVEL: 'silent' }))
      try {
        const store = booted.services.store.db as unknown as Raw
        expect(await objectRows(store)).toEqual(made.objects)
        expect(await historyRows(store)).toEqual(made.history)
        // The same indexes, on the workspace's number since 0032.
        if (dialect === 'sqlite')
          expect(await objectIndexes(store)).toEqual(
            made.indexes.map((i) => i.replace(/\bworkspace_id\b/g, 'workspace_no')),
          )
        // The last object (id 3) was deleted before the migration: its id stays used.
        const id = await insertObjectNow(store, {
          workspaceId: 'w',
          schemaId: made.schema,
          typeId: made.type,
          key: 'LEG-4',
          label: 'd',
          at: NOW,
        })
        expect(id).toBe(4)
      } finally {
        await booted.close()
      }
    })

    it.runIf(dialect === 'sqlite')(
      'checks an object’s keys at commit: a transaction that leaves one without its type fails and leaves nothing',
      async () => {
        const { db, made } = await databaseMigratedTo(
          dialect,
          dbs,
          '0027-object-key-index',
          writeAsBefore(dialect),
        )
        const booted = await bootstrap(loadConfig({ ...db.env, LOG_LEVEL: 'silent' }))
        try {
          const store = booted.services.store.db as unknown as Raw
          let inserted = 0
          await expect(
            store.transaction().execute(async (trx) => {
              // Deferred: the statement itself succeeds.
              inserted = await insertObjectNow(trx, {
                workspaceId: 'w',
                schemaId: made.schema,
                typeId: made.type + 100,
                key: 'LEG-9',
                label: 'orphan',
                at: NOW,
              })
            }),
          ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' })
          expect(inserted).toBeGreaterThan(0)
          expect(await objectRows(store)).toEqual(made.objects)

          // Deleting the workspace still deletes its objects and their history (a key's action is not deferred).
          await sql`delete from workspace where id = 'w'`.execute(store)
          expect(await objectRows(store)).toEqual([])
          expect(await historyRows(store)).toEqual([])
        } finally {
          await booted.close()
        }
      },
    )
  })
}

interface Made {
  schema: number
  type: number
  objects: unknown[]
  history: unknown[]
  indexes: string[]
}

// Since 0032 the row names its workspace and source by number: given back as the ids they stand for.
const objectRows = async (db: Raw) =>
  Promise.all(
    (await sql<Record<string, unknown>>`select * from object order by id`.execute(db)).rows.map(async (r) =>
      withIdTexts(db, {
        ...r,
        id: Number(r.id),
        object_schema_id: Number(r.object_schema_id),
        object_type_id: Number(r.object_type_id),
      }),
    ),
  )

const historyRows = async (db: Raw) =>
  (
    await sql<{
      object_id: number | string
      after: string
    }>`select object_id, after from object_history order by id`.execute(db)
  ).rows.map((r) => ({ object_id: Number(r.object_id), after: r.after }))

const objectIndexes = async (db: Raw) =>
  (
    await sql<{ name: string; sql: string | null }>`select name, sql from sqlite_master
      where type = 'index' and tbl_name = 'object' order by name`.execute(db)
  ).rows.map((r) => `${r.name}: ${r.sql ?? ''}`)

/** Three objects of one type, the first with a history row; the last deleted again (its id stays used). */
const writeAsBefore =
  (dialect: string) =>
  async (db: Raw): Promise<Made> => {
    const schema = Number((await insertLegacySchema(db, { nextObjectSeq: 5, at: NOW })).id)
    const type = Number(
      (
        await db
          .insertInto('object_type')
          .values({
            workspace_id: 'w',
            object_schema_id: schema,
            parent_object_type_id: null,
            external_id: 'leg/type/thing',
            name: 'Thing',
            description: '',
            icon_key: null,
            position: 0,
            created_at: NOW,
            updated_at: NOW,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    )
    const ids: number[] = []
    for (const [i, label] of ['a', 'b', 'c'].entries())
      ids.push(
        await insertLegacyObject(db, {
          workspaceId: 'w',
          schemaId: schema,
          typeId: type,
          key: `LEG-${i + 1}`,
          label,
          at: NOW,
        }),
      )
    await db
      .insertInto('object_history')
      .values({
        workspace_id: 'w',
        object_id: ids[0],
        operation: 'create',
        actor: null,
        before: null,
        after: '{"1":["x"]}',
        created_at: NOW,
      })
      .execute()
    await db.deleteFrom('object').where('id', '=', ids[2]).execute()
    expect(ids).toEqual([1, 2, 3])
    return {
      schema,
      type,
      objects: await objectRows(db),
      history: await historyRows(db),
      indexes: dialect === 'sqlite' ? await objectIndexes(db) : [],
    }
  }
