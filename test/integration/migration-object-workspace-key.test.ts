import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { bootstrap } from '../../src/main.js'
import { danglingReferences } from '../helpers/dangling-references.js'
import {
  databaseMigratedTo,
  insertLegacyObject,
  insertLegacySchema,
  type Raw,
} from '../helpers/legacy-database.js'
import { dialects, type TestDatabase } from '../helpers/test-env.js'

/**
 * Migration 0025 drops, on PostgreSQL, the foreign key from object to workspace (checked once per inserted row):
 * a database made by the earlier migrations answers the same AQL after it, and deleting a workspace still deletes
 * its objects and their references — also the objects a writer was still inserting while the delete ran.
 */
const NOW = '2026-01-01T00:00:00.000Z'

for (const dialect of dialects()) {
  describe(`migration 0025: object without its key to workspace [${dialect}]`, () => {
    const dbs: TestDatabase[] = []
    afterAll(async () => {
      for (const db of dbs) await db.drop()
    })

    it('keeps objects, answers the same AQL, and deleting a workspace deletes its objects and references', async () => {
      const { db, made } = await databaseMigratedTo(dialect, dbs, '0023-object-foreign-keys', writeAsBefore)
      const booted = await bootstrap(loadConfig({ ...db.env, LOG_LEVEL: 'silent' }))
      try {
        const { services } = booted
        const labels = async (ws: string, q: string) =>
          (await services.aql.search(ws, q, { startAt: 0, maxResults: 50 })).values.map((o) => o.label).sort()
        expect(await labels('w', `objectTypeId = ${made.w.type}`)).toEqual(['w1', 'w2', 'w3'])
        expect(await labels('w', `object having outboundReferences(label = "w1")`)).toEqual(['w2', 'w3'])
        expect(await labels('v', `objectTypeId = ${made.v.type}`)).toEqual(['v1', 'v2'])
        if (dialect === 'postgres') expect(await objectForeignKeys(services.store.db)).toEqual([])

        await sql`delete from workspace where id = 'w'`.execute(services.store.db)
        expect(await workspaceObjects(services.store.db)).toEqual([{ workspace_id: 'v', n: 2 }])
        expect(await danglingReferences(services.store.db)).toBe(0)
        expect(await labels('v', `object having outboundReferences(label = "v1")`)).toEqual(['v2'])
      } finally {
        await booted.close()
      }
    })

    if (dialect === 'postgres')
      it('deleting a workspace while a writer inserts into one of its types deletes the written objects too', async () => {
        const { db, made } = await databaseMigratedTo(dialect, dbs, '0023-object-foreign-keys', writeAsBefore)
        const booted = await bootstrap(loadConfig({ ...db.env, LOG_LEVEL: 'silent' }))
        await booted.close()
        const writer = new pg.Client({ connectionString: db.env.DATABASE_URL })
        const deleter = new pg.Client({ connectionString: db.env.DATABASE_URL })
        await writer.connect()
        await deleter.connect()
        try {
          // As object-integrity.repository.ts makes every writer of objects do: the type's row locked KEY SHARE.
          await writer.query('begin')
          await writer.query('select id from object_type where id = $1 for key share', [made.w.type])
          await writer.query(
            // Since 0032 the row names its workspace by number (id_number).
            `insert into object (workspace_no, object_schema_id, object_type_id, object_key, label, label_ci,
              content_hash, attribute_values, created_at, updated_at)
             values ((select no from id_number where id = 'w'), $1, $2, 'LEG-99', 'late', 'late', 'h', '{}', $3, $3)`,
            [made.w.schema, made.w.type, NOW],
          )
          const deleted = deleter.query(`delete from workspace where id = 'w'`)
          // The delete waits for the writer (its cascade to the type meets the writer's lock) …
          const waited = await Promise.race([
            deleted.then(() => false),
            new Promise<boolean>((r) => setTimeout(() => r(true), 300)),
          ])
          expect(waited).toBe(true)
          await writer.query('commit')
          await deleted
          // … and then deletes what the writer committed as well.
          const left = await deleter.query(
            `select count(*)::int as n from object where workspace_no = (select no from id_number where id = 'w')`,
          )
          expect(left.rows[0].n).toBe(0)
        } finally {
          await writer.end()
          await deleter.end()
        }
      })
  })
}

async function objectForeignKeys(db: Raw): Promise<string[]> {
  const r = await sql<{ name: string }>`select c.conname as name from pg_constraint c
    where c.contype = 'f' and c.conrelid = 'object'::regclass order by 1`.execute(db)
  return r.rows.map((x) => x.name)
}

async function workspaceObjects(db: Raw): Promise<{ workspace_id: string; n: number }[]> {
  // Since 0032 the row names its workspace by number (id_number).
  const r = await sql<{ workspace_id: string; n: number | string }>`select w.id as workspace_id, count(*) as n
    from object o join id_number w on w.no = o.workspace_no group by w.id order by 1`.execute(db)
  return r.rows.map((x) => ({ workspace_id: x.workspace_id, n: Number(x.n) }))
}

interface Workspace {
  schema: number
  type: number
}

/**
 * Workspace w (objects w1, w2 → w1, w3 → w1) and workspace v (v1, v2 → v1), each with a schema, one type and its
 * reference attribute, written as the code before 0025 wrote them.
 */
async function writeAsBefore(db: Raw): Promise<{ w: Workspace; v: Workspace }> {
  const w = await insertLegacySchema(db, { nextObjectSeq: 100, at: NOW })
  await db.insertInto('workspace').values({ id: 'v', name: 'v', created_at: NOW }).execute()
  const v = await db
    .insertInto('object_schema')
    .values({
      workspace_id: 'v',
      name: 'Other',
      object_schema_key: 'OTH',
      description: '',
      next_object_seq: 100,
      created_at: NOW,
      updated_at: NOW,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  let key = 1
  const fill = async (ws: string, schemaId: number, labels: string[]): Promise<Workspace> => {
    const type = Number(
      (
        await db
          .insertInto('object_type')
          .values({
            workspace_id: ws,
            object_schema_id: schemaId,
            parent_object_type_id: null,
            external_id: `leg/type/${ws}`,
            name: `Thing ${ws}`,
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
    const link = Number(
      (
        await db
          .insertInto('attribute')
          .values({
            workspace_id: ws,
            object_type_id: type,
            external_id: `leg/attr/${ws}`,
            name: 'Link',
            description: '',
            kind: 'referenced_object',
            is_label: 0,
            minimum_cardinality: 0,
            maximum_cardinality: 1,
            is_unique: 0,
            reference_object_type_id: type,
            allowed_values: '[]',
            position: 0,
            created_at: NOW,
            updated_at: NOW,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    )
    const ids: number[] = []
    for (const label of labels) {
      ids.push(
        await insertLegacyObject(db, {
          workspaceId: ws,
          schemaId,
          typeId: type,
          key: `${ws.toUpperCase()}-${key++}`,
          label,
          at: NOW,
        }),
      )
    }
    await db
      .insertInto('object_type_count')
      .values({ object_type_id: type, workspace_id: ws, n: labels.length })
      .execute()
    // Every object after the first refers to the first.
    for (const id of ids.slice(1))
      await db
        .insertInto('object_reference')
        .values({ object_id: id, attribute_id: link, position: 0, target_object_id: ids[0] })
        .execute()
    return { schema: Number(schemaId), type }
  }
  return {
    w: await fill('w', Number(w.id), ['w1', 'w2', 'w3']),
    v: await fill('v', Number(v.id), ['v1', 'v2']),
  }
}
