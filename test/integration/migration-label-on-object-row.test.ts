import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { foldCase } from '../../src/domain/aql/compare.js'
import { bootstrap } from '../../src/main.js'
import { expectAqlAsInMemory, loadRecords } from '../helpers/aql-repository.js'
import {
  databaseMigratedTo,
  insertLegacySchema,
  insertLegacyType,
  type Raw,
} from '../helpers/legacy-database.js'
import { dialects, type TestDatabase } from '../helpers/test-env.js'

/**
 * Migration 0030: a single-valued, non-unique text label whose objects' labels are its values gets the index state
 * `label` and loses its object_value rows; a label whose objects disagree (switched after they were written), a
 * multi-valued label and a numeric label keep theirs. AQL answers as the in-memory evaluator over the same objects,
 * objects without a label value (their key as label) and values that look like keys included.
 */

const NOW = '2026-01-01T00:00:00.000Z'
const QUERIES = [
  'Name = "leg-2"',
  'Name == "LEG-2"',
  'Name = "alpha"',
  'Name in ("LEG-2", "émile", "b")',
  'Name is EMPTY',
  'Name is not EMPTY order by Name desc',
  'Name like "e"',
  'Name startswith "LEG"',
  'Name != "alpha"',
  'Name = "x"',
  'Name = "old"',
  'Number = 5',
  'Number is EMPTY',
  'label = "leg-2"',
  // Not a query of the type alone: its total would come from object_type_count, which these raw rows do not keep.
  'objectType = "Thing 1" AND Name is not EMPTY order by Name',
]

for (const dialect of dialects()) {
  describe(`migration 0030: single-valued text labels answered from the object row [${dialect}]`, () => {
    const dbs: TestDatabase[] = []
    afterAll(async () => {
      for (const db of dbs) await db.drop()
    })

    it('drops the rows of the labels whose objects agree, keeps the others, and answers as memory does', async () => {
      const { db, made } = await databaseMigratedTo(dialect, dbs, '0029-pg-object-fillfactor', writeAsBefore)
      const booted = await bootstrap(loadConfig({ ...db.env, LOG_LEVEL: 'silent' }))
      try {
        const { services } = booted
        const rows = await services.store.db.selectFrom('object_value').select('attribute_id').execute()
        const count = (id: number) => rows.filter((r) => Number(r.attribute_id) === id).length
        expect(count(made.device)).toBe(0)
        expect(count(made.switched)).toBe(1)
        expect(count(made.group)).toBe(2)
        expect(count(made.port)).toBe(1)
        const states = await services.store.db.selectFrom('attribute').select(['id', 'index_state']).execute()
        const state = (id: number) => states.find((a) => Number(a.id) === id)!.index_state
        expect([made.device, made.switched, made.group, made.port].map(state)).toEqual([
          'label',
          'ready',
          'ready',
          'ready',
        ])
        const catalog = await services.aql.catalog('w')
        const { records } = await loadRecords(services, 'w', catalog)
        expect(records).toHaveLength(7)
        await expectAqlAsInMemory(services, 'w', QUERIES)
        // Reading through label_ci: LEG-2 (no Name, its key as label) is not "leg-2", the object named so is.
        const named = await services.aql.run('w', await services.aql.prepare('w', 'Name = "leg-2"'), {
          startAt: 0,
          maxResults: 10,
        })
        expect(named.rows.map((r) => r.object_key)).toEqual(['LEG-3'])
      } finally {
        await booted.close()
      }
    })
  })
}

/** Objects and index rows as the code of migration 0029's time wrote them: a row for every label value. */
async function writeAsBefore(db: Raw) {
  const schemaId = Number((await insertLegacySchema(db, { nextObjectSeq: 8, at: NOW })).id)
  const types: number[] = []
  for (let i = 1; i <= 4; i++)
    types.push(await insertLegacyType(db, { schemaId, at: NOW, n: i, position: i }))
  const attribute = async (typeId: number, name: string, kind: string, max: number) =>
    Number(
      (
        await db
          .insertInto('attribute')
          .values({
            workspace_id: 'w',
            object_type_id: typeId,
            external_id: `leg/attr/${typeId}/${name}`,
            name,
            description: '',
            kind,
            is_label: 1,
            minimum_cardinality: 0,
            maximum_cardinality: max,
            is_unique: 0,
            reference_object_type_id: null,
            allowed_values: '[]',
            position: 0,
            indexed: 0,
            index_state: 'ready',
            created_at: NOW,
            updated_at: NOW,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    )
  const device = await attribute(types[0]!, 'Name', 'text', 1)
  const switched = await attribute(types[1]!, 'Name', 'text', 1)
  const group = await attribute(types[2]!, 'Name', 'text', -1)
  const port = await attribute(types[3]!, 'Number', 'integer', 1)
  let seq = 0
  const object = async (typeId: number, attributeId: number, values: (string | number)[], label?: string) => {
    seq++
    const key = `LEG-${seq}`
    const text = label ?? (values.length ? String(values[0]) : key)
    const r = await db
      .insertInto('object')
      .values({
        workspace_id: 'w',
        object_schema_id: schemaId,
        object_type_id: typeId,
        object_key: key,
        label: text,
        label_ci: foldCase(text),
        identity: null,
        import_source_id: null,
        content_hash: `h-${seq}`,
        attribute_values: JSON.stringify(values.length ? { [attributeId]: values } : {}),
        created_at: NOW,
        updated_at: NOW,
        origin_id: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    for (const [position, v] of values.entries())
      await db
        .insertInto('object_value')
        .values({
          attribute_id: attributeId,
          value_ci: foldCase(String(v)),
          object_id: Number(r.id),
          position,
          value_text: String(v),
          value_num: typeof v === 'number' ? v : null,
        })
        .execute()
  }
  await object(types[0]!, device, ['Alpha'])
  await object(types[0]!, device, []) // LEG-2: no Name, its key as label
  await object(types[0]!, device, ['leg-2'])
  await object(types[0]!, device, ['Émile'])
  await object(types[1]!, switched, ['x'], 'Old') // the label attribute was switched after it was written
  await object(types[2]!, group, ['a', 'B'])
  await object(types[3]!, port, [5])
  return { device, switched, group, port }
}
