import { foldCase } from '../../domain/aql/compare.js'
import { decodeValues } from '../../domain/schema/stored-values.js'
import type { Db } from '../create-store.js'
import { objectIntegrityRepository } from './object-integrity.repository.js'

/**
 * `attribute_values like <this>`: the objects whose JSON has the attribute's key. Exact: values are arrays of
 * scalars, and a quote inside a JSON string is escaped, so `"<id>":` occurs only as a key (digits and
 * punctuation: no LIKE wildcard, no case).
 */
const holdsKey = (attributeId: number): string => `%"${attributeId}":%`

/**
 * What depends on a schema element (objects, values, references, import sources), and the deletes of schema
 * elements: queries only, the rules are in the services.
 */
export const schemaUsageRepository = {
  /**
   * Before a delete counts what depends on the types or the schema: locks their rows, so that no object is inserted
   * into them until the delete ends (object-integrity.repository.ts; PostgreSQL has no key from object to type).
   */
  lockTypesForDelete: objectIntegrityRepository.lockTypes,
  lockSchemaForDelete: objectIntegrityRepository.lockSchema,
  countObjectsOfTypes: async (db: Db, typeIds: number[]): Promise<number> => {
    if (typeIds.length === 0) return 0
    const r = await db
      .selectFrom('object')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('object_type_id', 'in', typeIds)
      .executeTakeFirstOrThrow()
    return Number(r.n)
  },
  countObjectsOfSchema: async (db: Db, schemaId: number): Promise<number> => {
    const r = await db
      .selectFrom('object')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('object_schema_id', '=', schemaId)
      .executeTakeFirstOrThrow()
    return Number(r.n)
  },
  /** Attributes of other types whose references point at one of `typeIds`. */
  referencingAttributes: (
    db: Db,
    typeIds: number[],
  ): Promise<{ id: number; name: string; object_type_id: number }[]> =>
    typeIds.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('attribute')
          .select(['id', 'name', 'object_type_id'])
          .where('reference_object_type_id', 'in', typeIds)
          .where('object_type_id', 'not in', typeIds)
          .orderBy('id')
          .execute(),
  /**
   * How many objects hold a value (or a reference) of the attribute. Values are counted on the objects' rows
   * (attribute_values, the source of truth: most attributes have no index rows), among the attribute's type.
   */
  objectsWithValues: async (db: Db, attributeId: number): Promise<number> => {
    const [values, refs] = await Promise.all([
      db
        .selectFrom('object')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('object_type_id', '=', (eb) =>
          eb.selectFrom('attribute').select('object_type_id').where('id', '=', attributeId),
        )
        .where('attribute_values', 'like', holdsKey(attributeId))
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('object_reference')
        .select((eb) => eb.fn.count<number>('object_id').distinct().as('n'))
        .where('attribute_id', '=', attributeId)
        .executeTakeFirstOrThrow(),
    ])
    return Number(values.n) + Number(refs.n)
  },
  /**
   * How many objects hold the status (by folded name) in a status attribute of the given schemas (null = any):
   * read from the objects' rows (status attributes need not have index rows), folded as AQL folds.
   */
  objectsWithStatus: async (db: Db, nameCi: string, schemaId: number | null): Promise<number> => {
    const attributes = await db
      .selectFrom('attribute')
      .innerJoin('object_type', 'object_type.id', 'attribute.object_type_id')
      .select(['attribute.id', 'attribute.object_type_id'])
      .where('attribute.kind', '=', 'status')
      .$if(schemaId !== null, (q) => q.where('object_type.object_schema_id', '=', schemaId!))
      .execute()
    let holders = 0
    for (const a of attributes) {
      const id = Number(a.id)
      let after = 0
      for (;;) {
        const rows = await db
          .selectFrom('object')
          .select(['id', 'attribute_values'])
          .where('object_type_id', '=', a.object_type_id)
          .where('attribute_values', 'like', holdsKey(id))
          .where('id', '>', after)
          .orderBy('id')
          .limit(2000)
          .execute()
        if (rows.length === 0) break
        for (const row of rows) {
          const values = decodeValues(row.attribute_values).get(id) ?? []
          if (values.some((v) => typeof v === 'string' && foldCase(v) === nameCi)) holders++
        }
        after = Number(rows[rows.length - 1]!.id)
      }
    }
    return holders
  },
  /** Import sources whose schema is `schemaId`, with their stored mapping documents (JSON or null). */
  sourcesOfSchema: (
    db: Db,
    workspaceId: string,
    schemaId: number,
  ): Promise<{ id: string; name: string; mapping: string | null }[]> =>
    db
      .selectFrom('import_source')
      .select(['id', 'name', 'mapping'])
      .where('workspace_id', '=', workspaceId)
      .where('object_schema_id', '=', schemaId)
      .orderBy('created_at')
      .execute(),

  /** Deletes attributes with their references. */
  deleteAttributes: async (db: Db, attributeIds: number[]): Promise<void> => {
    if (attributeIds.length === 0) return
    await objectIntegrityRepository.deleteReferencesOfAttributes(db, attributeIds)
    await db.deleteFrom('attribute').where('id', 'in', attributeIds).execute()
  },
  /**
   * Deletes types (and their attributes with their references); children must come before their parents in
   * `typeIds`.
   */
  deleteTypes: async (db: Db, typeIds: number[]): Promise<void> => {
    if (typeIds.length === 0) return
    await objectIntegrityRepository.deleteReferencesOfTypes(db, typeIds)
    await db.deleteFrom('attribute').where('object_type_id', 'in', typeIds).execute()
    for (const id of typeIds) await db.deleteFrom('object_type').where('id', '=', id).execute()
  },
  deleteStatus: async (db: Db, id: number): Promise<void> => {
    await db.deleteFrom('status').where('id', '=', id).execute()
  },
  deleteSchema: async (db: Db, schemaId: number): Promise<void> => {
    await db.deleteFrom('status').where('object_schema_id', '=', schemaId).execute()
    await db.deleteFrom('object_schema').where('id', '=', schemaId).execute()
  },
}
