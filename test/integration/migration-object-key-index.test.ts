import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { bootstrap } from '../../src/main.js'
import {
  databaseMigratedTo,
  insertLegacyObject,
  insertLegacySchema,
  insertLegacyType,
  type Raw,
} from '../helpers/legacy-database.js'
import { dialects, type TestDatabase } from '../helpers/test-env.js'

/**
 * Migration 0027 drops the index on the folded object key: `Key = …` compares the stored key with the one upper-case
 * key the text can match. A database made by the earlier migrations answers the same Key queries after it — also
 * one edited by hand to hold keys no path writes (lower case, other characters, a lower-case schema key), which the
 * migration brings into the form `SCHEMAKEY-n` first.
 */
const NOW = '2026-01-01T00:00:00.000Z'

for (const dialect of dialects()) {
  describe(`migration 0027: no index on the folded object key [${dialect}]`, () => {
    const dbs: TestDatabase[] = []
    afterAll(async () => {
      for (const db of dbs) await db.drop()
    })

    it('answers the same Key queries for keys every path writes', async () => {
      const { db, made } = await databaseMigratedTo(
        dialect,
        dbs,
        '0026-sqlite-reference-keys',
        async (raw) => {
          const schema = await insertLegacySchema(raw, { nextObjectSeq: 4, at: NOW })
          const type = await insertType(raw, Number(schema.id))
          for (const [i, label] of ['a', 'b', 'c'].entries())
            await insert(raw, Number(schema.id), type, `LEG-${i + 1}`, label)
          return { type }
        },
      )
      const booted = await bootstrap(loadConfig({ ...db.env, LOG_LEVEL: 'silent' }))
      try {
        const { services } = booted
        const keys = async (q: string) =>
          (await services.aql.search('w', q, { startAt: 0, maxResults: 50 })).values.map((o) => [
            o.label,
            o.objectKey,
          ])
        expect(await keys('Key = "leg-2"')).toEqual([['b', 'LEG-2']])
        expect(await keys('Key in ("LEG-1", "Leg-3", "İ")')).toEqual([
          ['a', 'LEG-1'],
          ['c', 'LEG-3'],
        ])
        expect(await keys(`objectTypeId = ${made.type} and Key != "lEg-1" order by Key desc`)).toEqual([
          ['c', 'LEG-3'],
          ['b', 'LEG-2'],
        ])
        expect(await objectIndexes(services.store.db, dialect)).not.toContain('object_key_ci_idx')
      } finally {
        await booted.close()
      }
    })

    it('brings keys edited by hand into the form SCHEMAKEY-n, each still found by Key', async () => {
      const { db } = await databaseMigratedTo(dialect, dbs, '0026-sqlite-reference-keys', async (raw) => {
        const leg = Number((await insertLegacySchema(raw, { nextObjectSeq: 100, at: NOW })).id)
        const low = await insertSchema(raw, 'Lower', 'low', 10)
        const clash = await insertSchema(raw, 'Clash', 'Leg', 7)
        const type = await insertType(raw, leg)
        await insert(raw, leg, type, 'LEG-1', 'plain')
        await insert(raw, leg, type, 'leg-2', 'lower')
        await insert(raw, leg, type, 'LEG-3', 'taken')
        await insert(raw, leg, type, 'leg-3', 'clashes with LEG-3')
        await insert(raw, leg, type, 'LEG_4', 'underscore')
        await insert(raw, leg, type, 'LÉG-5', 'not ascii')
        const lowType = await insertType(raw, low)
        await insert(raw, low, lowType, 'low-1', 'lower schema')
        await insert(raw, low, lowType, 'LOW-2', 'lower schema, key in the form')
        await insert(raw, clash, await insertType(raw, clash), 'Leg-1', 'schema key taken')
      })
      const booted = await bootstrap(loadConfig({ ...db.env, LOG_LEVEL: 'silent' }))
      try {
        const { services } = booted
        const all = await services.aql.search('w', 'Key is not EMPTY', { startAt: 0, maxResults: 50 })
        expect(Object.fromEntries(all.values.map((o) => [o.label, o.objectKey]))).toEqual({
          plain: 'LEG-1',
          lower: 'LEG-2',
          taken: 'LEG-3',
          'clashes with LEG-3': 'LEG-100',
          underscore: 'LEG-101',
          'not ascii': 'LEG-102',
          'lower schema': 'LOW-1',
          'lower schema, key in the form': 'LOW-2',
          'schema key taken': 'LEG2-1',
        })
        // Every key is found by Key in another case.
        for (const o of all.values) {
          const found = await services.aql.search('w', `Key = "${o.objectKey.toLowerCase()}"`, {
            startAt: 0,
            maxResults: 5,
          })
          expect(found.values.map((x) => x.label)).toEqual([o.label])
        }
        const schemas = await sql<{ name: string; object_schema_key: string; next_object_seq: number }>`
          select name, object_schema_key, next_object_seq from object_schema order by id`.execute(
          services.store.db,
        )
        expect(schemas.rows.map((s) => [s.name, s.object_schema_key, Number(s.next_object_seq)])).toEqual([
          ['Legacy', 'LEG', 103],
          ['Lower', 'LOW', 10],
          ['Clash', 'LEG2', 7],
        ])
      } finally {
        await booted.close()
      }
    })
  })
}

async function objectIndexes(db: Raw, dialect: string): Promise<string[]> {
  const r =
    dialect === 'sqlite'
      ? await sql<{
          name: string
        }>`select name from sqlite_master where type = 'index' and tbl_name = 'object'`.execute(db)
      : await sql<{
          name: string
        }>`select indexname as name from pg_indexes where tablename = 'object'`.execute(db)
  return r.rows.map((x) => x.name)
}

async function insertSchema(db: Raw, name: string, key: string, nextObjectSeq: number): Promise<number> {
  const r = await db
    .insertInto('object_schema')
    .values({
      workspace_id: 'w',
      name,
      object_schema_key: key,
      description: '',
      next_object_seq: nextObjectSeq,
      created_at: NOW,
      updated_at: NOW,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return Number(r.id)
}

function insertType(db: Raw, schemaId: number): Promise<number> {
  return insertLegacyType(db, { schemaId, at: NOW })
}

async function insert(db: Raw, schemaId: number, typeId: number, key: string, label: string): Promise<void> {
  await insertLegacyObject(db, { workspaceId: 'w', schemaId, typeId, key, label, at: NOW })
}
