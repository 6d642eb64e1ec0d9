import type { Insertable, Updateable } from 'kysely'
import type { Db } from '../create-store.js'
import type {
  ObjectReferenceRow,
  ObjectReferenceTable,
  ObjectRow,
  ObjectTable,
  ObjectValueRow,
  ObjectValueTable,
} from '../tables.js'

/** Objects, their values and references: queries only. */
export const objectRepository = {
  insert: async (db: Db, row: Insertable<ObjectTable>): Promise<number> => {
    const r = await db.insertInto('object').values(row).returning('id').executeTakeFirstOrThrow()
    return Number(r.id)
  },
  update: async (db: Db, id: number, patch: Updateable<ObjectTable>): Promise<void> => {
    await db.updateTable('object').set(patch).where('id', '=', id).execute()
  },
  remove: async (db: Db, id: number): Promise<void> => {
    await db.deleteFrom('object').where('id', '=', id).execute()
  },
  find: (db: Db, workspaceId: string, id: number): Promise<ObjectRow | undefined> =>
    db
      .selectFrom('object')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst(),
  findMany: (db: Db, workspaceId: string, ids: number[]): Promise<ObjectRow[]> =>
    ids.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('object')
          .selectAll()
          .where('workspace_id', '=', workspaceId)
          .where('id', 'in', ids)
          .execute(),
  values: (db: Db, objectIds: number[]): Promise<ObjectValueRow[]> =>
    objectIds.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('object_value')
          .selectAll()
          .where('object_id', 'in', objectIds)
          .orderBy('object_id')
          .orderBy('attribute_id')
          .orderBy('position')
          .execute(),
  references: (db: Db, objectIds: number[]): Promise<ObjectReferenceRow[]> =>
    objectIds.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('object_reference')
          .selectAll()
          .where('object_id', 'in', objectIds)
          .orderBy('object_id')
          .orderBy('attribute_id')
          .orderBy('position')
          .execute(),
  replaceValues: async (
    db: Db,
    objectId: number,
    attributeId: number,
    rows: ObjectValueTable[],
  ): Promise<void> => {
    await db
      .deleteFrom('object_value')
      .where('object_id', '=', objectId)
      .where('attribute_id', '=', attributeId)
      .execute()
    if (rows.length) await db.insertInto('object_value').values(rows).execute()
  },
  replaceReferences: async (
    db: Db,
    objectId: number,
    attributeId: number,
    rows: Insertable<ObjectReferenceTable>[],
  ): Promise<void> => {
    await db
      .deleteFrom('object_reference')
      .where('object_id', '=', objectId)
      .where('attribute_id', '=', attributeId)
      .execute()
    if (rows.length) await db.insertInto('object_reference').values(rows).execute()
  },
  /** Objects of a type holding a value equal (case-insensitively) to one of `valuesCi`, other than `exceptId`. */
  findValueHolders: (
    db: Db,
    attributeId: number,
    valuesCi: string[],
    exceptId: number | null,
  ): Promise<{ object_id: number; value_text: string }[]> =>
    db
      .selectFrom('object_value')
      .select(['object_id', 'value_text'])
      .where('attribute_id', '=', attributeId)
      .where('value_ci', 'in', valuesCi)
      .$if(exceptId !== null, (q) => q.where('object_id', '!=', exceptId!))
      .limit(1)
      .execute(),
}
