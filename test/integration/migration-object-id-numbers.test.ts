import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { foldCase } from '../../src/domain/aql/compare.js'
import { bootstrap } from '../../src/main.js'
import { importWriteRepository } from '../../src/store/repositories/import-write.repository.js'
import { expectAqlAsInMemory, loadRecords } from '../helpers/aql-repository.js'
import { danglingReferences } from '../helpers/dangling-references.js'
import {
  databaseMigratedTo,
  insertLegacySchema,
  insertLegacyType,
  type Raw,
} from '../helpers/legacy-database.js'
import { dialects, type TestDatabase } from '../helpers/test-env.js'

/**
 * Migration 0032: the object row names its workspace and import source by a number (id_number) instead of their
 * texts. A database made by the migrations up to 0031, with objects of two workspaces, of a source, of a source
 * deleted since and of none, with values and references, migrates and answers the same AQL (against the in-memory
 * evaluator, and by name), the same GET object/{id} (the deleted source's id included), the engine's identity
 * lookups, the workspace isolation, new ids above the old, and deleting a workspace still deletes its objects.
 */

const NOW = '2026-01-01T00:00:00.000Z'
const SOURCE = '6a1f3c2e-0b7d-4c59-9e21-7d3b5a4c1f00'
const GONE = '0d9e8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b'
const QUERIES = [
  'Serial = "s-1"',
  'Serial in ("S-1", "s-3")',
  'Serial is EMPTY',
  'label = "shared"',
  'Key = "LEG-2"',
  'Key in ("LEG-1", "LEG-4", "OTH-1")',
  'objectType = "Thing 1" order by Serial',
]

for (const dialect of dialects()) {
  describe(`migration 0032: object rows name their workspace and source by number [${dialect}]`, () => {
    const dbs: TestDatabase[] = []
    afterAll(async () => {
      for (const db of dbs) await db.drop()
    })

    it('migrates a database of 0031 with objects, and it answers the same', async () => {
      const { db, made } = await databaseMigratedTo(dialect, dbs, '0031-object-mark', writeAsBefore)
      const booted = await bootstrap(loadConfig({ ...db.env, LOG_LEVEL: 'silent' }))
      try {
        const { services } = booted
        const raw = services.store.db as unknown as Raw
        // The texts are gone from the row; every id an object named has its number.
        const columns = await columnsOfObject(raw, dialect)
        expect(columns).toContain('workspace_no')
        expect(columns).toContain('import_source_no')
        expect(columns).not.toContain('workspace_id')
        expect(columns).not.toContain('import_source_id')
        const numbers = await raw.selectFrom('id_number').select(['no', 'id']).orderBy('no').execute()
        expect(numbers.map((n) => n.id)).toEqual(['v', 'w', SOURCE, GONE])

        // AQL: as the in-memory evaluator over the same objects, in workspace w.
        const catalog = await services.aql.catalog('w')
        const { records } = await loadRecords(services, 'w', catalog)
        expect(records.map((r) => r.key).sort()).toEqual(['LEG-1', 'LEG-2', 'LEG-3', 'LEG-4'])
        await expectAqlAsInMemory(services, 'w', QUERIES)
        const keys = async (ws: string, q: string) =>
          (await services.aql.search(ws, q, { startAt: 0, maxResults: 50 })).values
            .map((o) => o.objectKey)
            .sort()
        expect(await keys('w', 'label = "shared"')).toEqual(['LEG-1', 'LEG-3'])
        expect(await keys('v', 'label = "shared"')).toEqual(['OTH-1'])
        expect(await keys('w', 'Key = "OTH-1"')).toEqual([])
        expect(await keys('v', 'Key = "OTH-1"')).toEqual(['OTH-1'])
        expect(await keys('w', 'object having outboundReferences(label = "shared")')).toEqual(['LEG-4'])
        expect(await keys('w', 'object having inboundReferences()')).toEqual(['LEG-1'])

        // GET object/{id}: the source's id, a deleted source's id, none; references; not from another workspace.
        const get = (ws: string, id: number) => services.objectReads.get(ws, id)
        expect((await get('w', made.leg1)).object).toMatchObject({
          objectKey: 'LEG-1',
          importSourceId: SOURCE,
          identity: 'a',
        })
        expect((await get('w', made.leg2)).object).toMatchObject({ importSourceId: GONE, identity: 'b' })
        expect((await get('w', made.leg3)).object.importSourceId).toBeNull()
        const leg4 = (await get('w', made.leg4)).object
        expect(leg4.values.get(made.ref)).toEqual([made.leg1])
        expect(leg4.referenced.get(made.leg1)).toMatchObject({ objectKey: 'LEG-1', label: 'shared' })
        await expect(get('v', made.leg1)).rejects.toMatchObject({ status: 404 })
        expect((await services.objects.get('w', made.leg2)).importSourceId).toBe(GONE)
        await expect(services.objects.get('v', made.leg2)).rejects.toMatchObject({ status: 404 })

        // The engine's lookups by (type, source, identity).
        const db2 = services.store.db
        expect(await importWriteRepository.countOwned(db2, made.type, SOURCE)).toBe(2)
        expect(await importWriteRepository.countOwned(db2, made.type, GONE)).toBe(1)
        expect(await importWriteRepository.hasOwned(db2, made.type, 'never-written')).toBe(false)
        expect(
          (await importWriteRepository.ownedPage(db2, made.type, GONE, '', 10)).map((o) => o.identity),
        ).toEqual(['b'])

        // A new object: an id above every old one (the sequence kept), its workspace numbered as the old ones.
        const created = await services.objects.create('w', {
          objectTypeId: made.type,
          attributes: [{ attribute: made.serial, values: ['s-9'] }],
        })
        expect(created.id).toBeGreaterThan(made.oth1)
        expect(await keys('w', 'Serial = "s-9"')).toEqual([created.objectKey])
        expect(await raw.selectFrom('id_number').select('id').execute()).toHaveLength(4)

        // Deleting a workspace deletes its objects and their references (the key's cascade did on SQLite).
        await sql`delete from workspace where id = 'w'`.execute(raw)
        const left = await raw.selectFrom('object').select('object_key').execute()
        expect(left.map((o) => o.object_key)).toEqual(['OTH-1'])
        expect(await danglingReferences(raw)).toBe(0)
      } finally {
        await booted.close()
      }
    })
  })
}

async function columnsOfObject(db: Raw, dialect: string): Promise<string[]> {
  const r =
    dialect === 'postgres'
      ? await sql<{ name: string }>`select column_name as name from information_schema.columns
          where table_name = 'object' and table_schema = current_schema()`.execute(db)
      : await sql<{ name: string }>`select name from pragma_table_info('object')`.execute(db)
  return r.rows.map((c) => c.name)
}

/**
 * Workspace w (schema LEG, type Thing 1 with a text Serial and a reference Owner; LEG-1 of source SOURCE, LEG-2 of
 * a source deleted since, LEG-3 of none, LEG-4 → LEG-1) and workspace v (OTH-1, the same label as LEG-1), with their
 * value rows and counts, as the code of 0031's time wrote them.
 */
async function writeAsBefore(db: Raw) {
  const schemaId = Number((await insertLegacySchema(db, { nextObjectSeq: 5, at: NOW })).id)
  const type = await insertLegacyType(db, { schemaId, at: NOW, n: 1 })
  await db.insertInto('workspace').values({ id: 'v', name: 'v', created_at: NOW }).execute()
  const other = Number(
    (
      await db
        .insertInto('object_schema')
        .values({
          workspace_id: 'v',
          name: 'Other',
          object_schema_key: 'OTH',
          description: '',
          next_object_seq: 2,
          created_at: NOW,
          updated_at: NOW,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id,
  )
  const otherType = Number(
    (
      await db
        .insertInto('object_type')
        .values({
          workspace_id: 'v',
          object_schema_id: other,
          parent_object_type_id: null,
          external_id: 'oth/type',
          name: 'Thing 1',
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
  await db
    .insertInto('import_source')
    .values({
      id: SOURCE,
      workspace_id: 'w',
      name: 'src',
      description: '',
      type: 'external',
      object_schema_id: schemaId,
      settings: '{}',
      config: '{}',
      enabled: 1,
      mapping: null,
      mapping_version: 0,
      mapping_updated_at: null,
      created_at: NOW,
      updated_at: NOW,
    })
    .execute()
  const attribute = async (name: string, kind: string, reference: number | null) =>
    Number(
      (
        await db
          .insertInto('attribute')
          .values({
            workspace_id: 'w',
            object_type_id: type,
            external_id: `leg/attr/${name}`,
            name,
            description: '',
            kind,
            is_label: 0,
            minimum_cardinality: 0,
            maximum_cardinality: 1,
            is_unique: 0,
            reference_object_type_id: reference,
            allowed_values: '[]',
            position: reference === null ? 0 : 1,
            indexed: reference === null ? 1 : 0,
            index_state: reference === null ? 'ready' : 'none',
            created_at: NOW,
            updated_at: NOW,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    )
  const serial = await attribute('Serial', 'text', null)
  const ref = await attribute('Owner', 'reference', type)
  const object = async (
    o: { ws: string; schema: number; type: number; key: string; label: string },
    source: string | null,
    identity: string | null,
    values: Record<number, string[]>,
  ) => {
    const r = await db
      .insertInto('object')
      .values({
        workspace_id: o.ws,
        object_schema_id: o.schema,
        object_type_id: o.type,
        object_key: o.key,
        label: o.label,
        label_ci: foldCase(o.label),
        identity,
        import_source_id: source,
        content_hash: `h-${o.key}`,
        attribute_values: JSON.stringify(values),
        created_at: NOW,
        updated_at: NOW,
        origin_id: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const id = Number(r.id)
    for (const [attributeId, list] of Object.entries(values))
      for (const [position, v] of list.entries())
        await db
          .insertInto('object_value')
          .values({
            attribute_id: Number(attributeId),
            value_ci: foldCase(v),
            object_id: id,
            position,
            value_text: v,
            value_num: null,
          })
          .execute()
    return id
  }
  const w = { ws: 'w', schema: schemaId, type }
  const leg1 = await object({ ...w, key: 'LEG-1', label: 'shared' }, SOURCE, 'a', { [serial]: ['S-1'] })
  const leg2 = await object({ ...w, key: 'LEG-2', label: 'two' }, GONE, 'b', { [serial]: ['s-2'] })
  const leg3 = await object({ ...w, key: 'LEG-3', label: 'Shared' }, null, null, { [serial]: ['s-3'] })
  const leg4 = await object({ ...w, key: 'LEG-4', label: 'four' }, SOURCE, 'd', {})
  const oth1 = await object(
    { ws: 'v', schema: other, type: otherType, key: 'OTH-1', label: 'shared' },
    null,
    null,
    {},
  )
  await db
    .insertInto('object_reference')
    .values({ object_id: leg4, attribute_id: ref, position: 0, target_object_id: leg1 })
    .execute()
  await db
    .insertInto('object_type_count')
    .values([
      { object_type_id: type, workspace_id: 'w', n: 4 },
      { object_type_id: otherType, workspace_id: 'v', n: 1 },
    ])
    .execute()
  return { type, serial, ref, leg1, leg2, leg3, leg4, oth1 }
}
