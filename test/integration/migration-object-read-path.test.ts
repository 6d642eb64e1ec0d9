import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { bootstrap } from '../../src/main.js'
import { databaseMigratedTo, insertLegacySchema, type Raw } from '../helpers/legacy-database.js'
import { dialects, type TestDatabase } from '../helpers/test-env.js'

/**
 * Migration 0022 counts the objects that exist into object_type_count and gives every workspace a catalog
 * version, so that a database made by the earlier migrations answers the same object counts and totals.
 */
const NOW = '2026-01-01T00:00:00.000Z'

for (const dialect of dialects()) {
  describe(`migration 0022: existing objects are counted [${dialect}]`, () => {
    const dbs: TestDatabase[] = []
    afterAll(async () => {
      for (const db of dbs) await db.drop()
    })

    it('fills the per-type counts and the catalog version from the existing rows', async () => {
      const { db, made: types } = await databaseMigratedTo(dialect, dbs, '0017-indexed-attributes', (raw) =>
        writeAsBefore(raw, [3, 0, 2]),
      )
      const booted = await bootstrap(loadConfig({ ...db.env, LOG_LEVEL: 'silent' }))
      try {
        const { services } = booted
        const views = await services.schemas.viewTypes('w', types)
        expect(views.map((t) => t.objectCount)).toEqual([3, 0, 2])
        const page = await services.aql.search('w', `objectTypeId = ${types[0]}`, {
          startAt: 0,
          maxResults: 1,
        })
        expect(page.total).toBe(3)
        const version = await services.store.db
          .selectFrom('catalog_version')
          .select('version')
          .where('workspace_id', '=', 'w')
          .executeTakeFirstOrThrow()
        expect(Number(version.version)).toBeGreaterThanOrEqual(1)
        // Objects created after the migration are counted on top of the existing ones.
        await services.objects.create('w', { objectTypeId: types[2]!, attributes: [] })
        expect((await services.schemas.viewTypes('w', [types[2]!]))[0]!.objectCount).toBe(3)
      } finally {
        await booted.close()
      }
    })
  })
}

/** A workspace, a schema and types holding `perType` objects, written as the earlier code wrote them. */
async function writeAsBefore(db: Raw, perType: number[]): Promise<number[]> {
  const schema = await insertLegacySchema(db, { nextObjectSeq: 100, at: NOW })
  const types: number[] = []
  let key = 1
  for (const [position, n] of perType.entries()) {
    const type = await db
      .insertInto('object_type')
      .values({
        workspace_id: 'w',
        object_schema_id: schema.id,
        parent_object_type_id: null,
        external_id: `leg/type/${position}`,
        name: `Type ${position}`,
        description: '',
        icon_key: null,
        position,
        created_at: NOW,
        updated_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    types.push(Number(type.id))
    for (let i = 0; i < n; i++, key++) {
      await db
        .insertInto('object')
        .values({
          workspace_id: 'w',
          object_schema_id: schema.id,
          object_type_id: type.id,
          object_key: `LEG-${key}`,
          label: `o${key}`,
          label_ci: `o${key}`,
          identity: null,
          import_source_id: null,
          content_hash: `h${key}`,
          attribute_values: '{}',
          created_at: NOW,
          updated_at: NOW,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    }
  }
  return types
}
