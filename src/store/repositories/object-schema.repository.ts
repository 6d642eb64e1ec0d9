import type { Db } from '../create-store.js'
import type { AttributeRow, ObjectSchemaRow, ObjectTypeRow, StatusRow } from '../tables.js'
import type { Insertable, Updateable } from 'kysely'
import type { AttributeTable, ObjectSchemaTable, ObjectTypeTable, StatusTable } from '../tables.js'

/** Object schemas, object types, attributes and statuses: queries only, no rules. */
export const objectSchemaRepository = {
  insertSchema: async (db: Db, row: Insertable<ObjectSchemaTable>): Promise<number> => {
    const r = await db.insertInto('object_schema').values(row).returning('id').executeTakeFirstOrThrow()
    return Number(r.id)
  },
  updateSchema: async (db: Db, id: number, patch: Updateable<ObjectSchemaTable>): Promise<void> => {
    await db.updateTable('object_schema').set(patch).where('id', '=', id).execute()
  },
  findSchema: (db: Db, workspaceId: string, id: number): Promise<ObjectSchemaRow | undefined> =>
    db
      .selectFrom('object_schema')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst(),
  findSchemaByKey: (db: Db, workspaceId: string, key: string): Promise<ObjectSchemaRow | undefined> =>
    db
      .selectFrom('object_schema')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('object_schema_key', '=', key)
      .executeTakeFirst(),
  listSchemas: (db: Db, workspaceId: string, offset: number, limit: number): Promise<ObjectSchemaRow[]> =>
    db
      .selectFrom('object_schema')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('id')
      .offset(offset)
      .limit(limit)
      .execute(),
  countSchemas: async (db: Db, workspaceId: string): Promise<number> => {
    const r = await db
      .selectFrom('object_schema')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow()
    return Number(r.n)
  },
  /** Reserves `count` object numbers; returns the first. Keys are never reused because the counter only grows. */
  reserveObjectNumbers: async (db: Db, schemaId: number, count: number): Promise<number> => {
    const r = await db
      .updateTable('object_schema')
      .set((eb) => ({ next_object_seq: eb('next_object_seq', '+', count) }))
      .where('id', '=', schemaId)
      .returning('next_object_seq')
      .executeTakeFirstOrThrow()
    return Number(r.next_object_seq) - count
  },

  insertType: async (db: Db, row: Insertable<ObjectTypeTable>): Promise<number> => {
    const r = await db.insertInto('object_type').values(row).returning('id').executeTakeFirstOrThrow()
    return Number(r.id)
  },
  updateType: async (db: Db, id: number, patch: Updateable<ObjectTypeTable>): Promise<void> => {
    await db.updateTable('object_type').set(patch).where('id', '=', id).execute()
  },
  findType: (db: Db, workspaceId: string, id: number): Promise<ObjectTypeRow | undefined> =>
    db
      .selectFrom('object_type')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst(),
  listTypes: (db: Db, schemaId: number): Promise<ObjectTypeRow[]> =>
    db
      .selectFrom('object_type')
      .selectAll()
      .where('object_schema_id', '=', schemaId)
      .orderBy('position')
      .orderBy('id')
      .execute(),
  countTypesBySchema: async (db: Db, schemaIds: number[]): Promise<Map<number, number>> => {
    if (schemaIds.length === 0) return new Map()
    const rows = await db
      .selectFrom('object_type')
      .select(['object_schema_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('object_schema_id', 'in', schemaIds)
      .groupBy('object_schema_id')
      .execute()
    return new Map(rows.map((r) => [Number(r.object_schema_id), Number(r.n)]))
  },
  /**
   * Object counts by schema or by type, read from object_type_count (exact: kept in the transactions that write
   * the objects), not counted over the objects.
   */
  countObjectsBy: async (
    db: Db,
    column: 'object_schema_id' | 'object_type_id',
    ids: number[],
  ): Promise<Map<number, number>> => {
    if (ids.length === 0) return new Map()
    const rows =
      column === 'object_type_id'
        ? await db
            .selectFrom('object_type_count')
            .select(['object_type_id as id', 'n'])
            .where('object_type_id', 'in', ids)
            .execute()
        : await db
            .selectFrom('object_type_count as c')
            .innerJoin('object_type as t', 't.id', 'c.object_type_id')
            .select(['t.object_schema_id as id', (eb) => eb.fn.sum<number>('c.n').as('n')])
            .where('t.object_schema_id', 'in', ids)
            .groupBy('t.object_schema_id')
            .execute()
    return new Map(rows.map((r) => [Number(r.id), Number(r.n)]))
  },

  insertAttribute: async (db: Db, row: Insertable<AttributeTable>): Promise<number> => {
    const r = await db.insertInto('attribute').values(row).returning('id').executeTakeFirstOrThrow()
    return Number(r.id)
  },
  updateAttribute: async (db: Db, id: number, patch: Updateable<AttributeTable>): Promise<void> => {
    await db.updateTable('attribute').set(patch).where('id', '=', id).execute()
  },
  findAttribute: (db: Db, workspaceId: string, id: number): Promise<AttributeRow | undefined> =>
    db
      .selectFrom('attribute')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst(),
  listAttributes: (db: Db, typeIds: number[]): Promise<AttributeRow[]> =>
    typeIds.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('attribute')
          .selectAll()
          .where('object_type_id', 'in', typeIds)
          .orderBy('object_type_id')
          .orderBy('position')
          .orderBy('id')
          .execute(),

  insertStatus: async (db: Db, row: Insertable<StatusTable>): Promise<number> => {
    const r = await db.insertInto('status').values(row).returning('id').executeTakeFirstOrThrow()
    return Number(r.id)
  },
  findStatus: (db: Db, workspaceId: string, id: number): Promise<StatusRow | undefined> =>
    db
      .selectFrom('status')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst(),
  updateStatus: async (db: Db, id: number, patch: Updateable<StatusTable>): Promise<void> => {
    await db.updateTable('status').set(patch).where('id', '=', id).execute()
  },
  /** Statuses visible in a schema: its own and the workspace's global ones. */
  listStatuses: (db: Db, workspaceId: string, schemaId: number | null): Promise<StatusRow[]> =>
    db
      .selectFrom('status')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where((eb) =>
        schemaId === null
          ? eb('object_schema_id', 'is', null)
          : eb.or([eb('object_schema_id', 'is', null), eb('object_schema_id', '=', schemaId)]),
      )
      .orderBy('id')
      .execute(),
}
