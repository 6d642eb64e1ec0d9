import { sql } from 'kysely'
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
 * Migration 0023 drops, on PostgreSQL, the foreign keys of object_reference and those from object to its schema and
 * type: a database made by the earlier migrations, with objects and references, answers the same AQL after it, and
 * deleting its objects leaves no reference behind.
 */
const NOW = '2026-01-01T00:00:00.000Z'

for (const dialect of dialects()) {
  describe(`migration 0023: object foreign keys [${dialect}]`, () => {
    const dbs: TestDatabase[] = []
    afterAll(async () => {
      for (const db of dbs) await db.drop()
    })

    it('keeps objects and references, and AQL answers the same', async () => {
      const { db, made } = await databaseMigratedTo(dialect, dbs, '0022-object-read-path', writeAsBefore)
      const booted = await bootstrap(loadConfig({ ...db.env, LOG_LEVEL: 'silent' }))
      try {
        const { services } = booted
        const labels = async (q: string) =>
          (await services.aql.search('w', q, { startAt: 0, maxResults: 50 })).values
            .map((o) => o.label)
            .sort()
        expect(await labels(`objectTypeId = ${made.host} and Owner = "ann"`)).toEqual(['h1', 'h3'])
        expect(await labels(`object having inboundReferences()`)).toEqual(['ann', 'bob'])
        expect(await labels(`object having outboundReferences(label = "bob")`)).toEqual(['h2'])
        expect(await labels(`Owner is EMPTY and objectTypeId = ${made.host}`)).toEqual(['h4'])
        const h1 = await services.objects.get('w', made.objects.h1!)
        expect(h1.values.get(made.owner)).toEqual([made.objects.ann])

        if (dialect === 'postgres') {
          const keys = await sql<{ name: string }>`select c.conname as name from pg_constraint c
            join pg_class t on t.oid = c.conrelid
            where c.contype = 'f' and t.relname in ('object', 'object_reference') order by 1`.execute(
            services.store.db,
          )
          // The key to the workspace went too, with migration 0025 (migration-object-workspace-key.test.ts).
          expect(keys.rows.map((r) => r.name)).toEqual([])
        } else {
          // SQLite: object_reference lost its keys with migration 0026; object keeps those to its schema and type.
          const keys = await sql<{
            table: string
          }>`select 'object_reference' as "table" from pragma_foreign_key_list('object_reference')
            union all select 'object' from pragma_foreign_key_list('object')`.execute(services.store.db)
          // Its key to the workspace went with migration 0032 (migration-object-id-numbers.test.ts).
          expect(keys.rows.map((r) => r.table)).toEqual(['object', 'object'])
        }

        // Deleting a referenced object after the migration deletes the references to it.
        await services.store.db
          .transaction()
          .execute((trx) => services.objects.in(trx).remove('w', made.objects.ann!))
        expect(await danglingReferences(services.store.db)).toBe(0)
        expect(await labels(`objectTypeId = ${made.host} and Owner is EMPTY`)).toEqual(['h1', 'h3', 'h4'])
      } finally {
        await booted.close()
      }
    })
  })
}

interface Made {
  host: number
  owner: number
  objects: Record<string, number>
}

/** People ann and bob; hosts h1 → ann, h2 → bob, h3 → ann, h4 without owner; written as the earlier code wrote them. */
async function writeAsBefore(db: Raw): Promise<Made> {
  const schema = await insertLegacySchema(db, { nextObjectSeq: 100, at: NOW })
  const type = async (name: string, position: number) =>
    Number(
      (
        await db
          .insertInto('object_type')
          .values({
            workspace_id: 'w',
            object_schema_id: schema.id,
            parent_object_type_id: null,
            external_id: `leg/type/${name}`,
            name,
            description: '',
            icon_key: null,
            position,
            created_at: NOW,
            updated_at: NOW,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    )
  const person = await type('Person', 0)
  const host = await type('Host', 1)
  const owner = Number(
    (
      await db
        .insertInto('attribute')
        .values({
          workspace_id: 'w',
          object_type_id: host,
          external_id: 'leg/attr/owner',
          name: 'Owner',
          description: '',
          kind: 'referenced_object',
          is_label: 0,
          minimum_cardinality: 0,
          maximum_cardinality: 1,
          is_unique: 0,
          reference_object_type_id: person,
          allowed_values: '[]',
          position: 0,
          created_at: NOW,
          updated_at: NOW,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id,
  )
  const objects: Record<string, number> = {}
  let key = 1
  for (const [label, typeId] of [
    ['ann', person],
    ['bob', person],
    ['h1', host],
    ['h2', host],
    ['h3', host],
    ['h4', host],
  ] as const) {
    objects[label] = await insertLegacyObject(db, {
      workspaceId: 'w',
      schemaId: schema.id,
      typeId,
      key: `LEG-${key++}`,
      label,
      at: NOW,
    })
  }
  await db
    .insertInto('object_type_count')
    .values([
      { object_type_id: person, workspace_id: 'w', n: 2 },
      { object_type_id: host, workspace_id: 'w', n: 4 },
    ])
    .execute()
  for (const [from, to] of [
    ['h1', 'ann'],
    ['h2', 'bob'],
    ['h3', 'ann'],
  ] as const)
    await db
      .insertInto('object_reference')
      .values({ object_id: objects[from], attribute_id: owner, position: 0, target_object_id: objects[to] })
      .execute()
  return { host, owner, objects }
}
