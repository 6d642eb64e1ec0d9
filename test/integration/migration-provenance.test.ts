import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { foldCase } from '../../src/domain/aql/compare.js'
import { bootstrap } from '../../src/main.js'
import { provenanceOfObject } from '../../src/services/provenance.service.js'
import { databaseMigratedTo, insertLegacySchema, type Raw } from '../helpers/legacy-database.js'
import { dialects, type TestDatabase } from '../helpers/test-env.js'

/**
 * Migration 0021 gives every existing object an origin: one per (workspace, owning source) — manual for objects
 * without a source — without an execution, dated by the newest update of its objects; no attribute is listed in
 * `provenance`, so every attribute answers that origin.
 */

const SOURCE = '00000000-0000-4000-8000-000000000001'

for (const dialect of dialects()) {
  describe(`migration 0021: existing objects get their provenance [${dialect}]`, () => {
    const dbs: TestDatabase[] = []
    afterAll(async () => {
      for (const db of dbs) await db.drop()
    })

    it('answers the owning source (or manual) for every attribute of objects written before provenance', async () => {
      const { db, made: ids } = await databaseMigratedTo(
        dialect,
        dbs,
        '0017-indexed-attributes',
        writeAsBefore,
      )
      const booted = await bootstrap(loadConfig({ ...db.env, LOG_LEVEL: 'silent' }))
      try {
        const sdb = booted.services.store.db
        const origins = await sdb.selectFrom('write_origin').selectAll().orderBy('id').execute()
        expect(origins.map((o) => [o.import_source_id, o.execution_id, o.actor, o.created_at])).toEqual(
          expect.arrayContaining([
            [SOURCE, null, 'migration:0021', '2026-01-03T00:00:00.000Z'],
            [null, null, 'migration:0021', '2026-01-01T00:00:00.000Z'],
          ]),
        )
        expect(origins).toHaveLength(2)
        const objects = await sdb.selectFrom('object').select(['id', 'origin_id', 'provenance']).execute()
        expect(objects.every((o) => o.origin_id !== null && o.provenance === null)).toBe(true)
        for (const id of ids.imported) {
          expect(await provenanceOfObject(sdb, id, [ids.attribute])).toEqual([
            {
              objectTypeAttributeId: ids.attribute,
              source: { id: SOURCE, name: 'Legacy' },
              executionId: null,
              actor: 'migration:0021',
              writtenAt: '2026-01-03T00:00:00.000Z',
            },
          ])
        }
        expect(await provenanceOfObject(sdb, ids.manual, [ids.attribute])).toMatchObject([
          { source: null, executionId: null, writtenAt: '2026-01-01T00:00:00.000Z' },
        ])
      } finally {
        await booted.close()
      }
    })
  })
}

async function writeAsBefore(db: Raw): Promise<{ imported: number[]; manual: number; attribute: number }> {
  const at = (day: number) => `2026-01-0${day}T00:00:00.000Z`
  const schema = await insertLegacySchema(db, { nextObjectSeq: 4, at: at(1) })
  const type = await db
    .insertInto('object_type')
    .values({
      workspace_id: 'w',
      object_schema_id: schema.id,
      parent_object_type_id: null,
      external_id: 'leg/type/device',
      name: 'Device',
      description: '',
      icon_key: null,
      position: 0,
      created_at: at(1),
      updated_at: at(1),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const attribute = await db
    .insertInto('attribute')
    .values({
      workspace_id: 'w',
      object_type_id: type.id,
      external_id: 'leg/attr/name',
      name: 'Name',
      description: '',
      kind: 'text',
      is_label: 1,
      minimum_cardinality: 0,
      maximum_cardinality: 1,
      is_unique: 0,
      reference_object_type_id: null,
      allowed_values: '[]',
      position: 0,
      created_at: at(1),
      updated_at: at(1),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('import_source')
    .values({
      id: SOURCE,
      workspace_id: 'w',
      name: 'Legacy',
      description: '',
      type: 'external',
      object_schema_id: schema.id,
      settings: '{}',
      config: '{}',
      enabled: 1,
      mapping: null,
      mapping_version: 0,
      mapping_updated_at: null,
      created_at: at(1),
      updated_at: at(1),
    })
    .execute()
  const object = async (n: number, source: string | null, updated: string): Promise<number> => {
    const row = await db
      .insertInto('object')
      .values({
        workspace_id: 'w',
        object_schema_id: schema.id,
        object_type_id: type.id,
        object_key: `LEG-${n}`,
        label: `d${n}`,
        label_ci: foldCase(`d${n}`),
        identity: source === null ? null : `d${n}`,
        import_source_id: source,
        content_hash: `h${n}`,
        attribute_values: JSON.stringify({ [Number(attribute.id)]: [`d${n}`] }),
        created_at: at(1),
        updated_at: updated,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return Number(row.id)
  }
  const imported = [await object(1, SOURCE, at(2)), await object(2, SOURCE, at(3))]
  const manual = await object(3, null, at(1))
  return { imported, manual, attribute: Number(attribute.id) }
}
