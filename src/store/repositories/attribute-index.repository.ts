import { sql } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'
import type { Db } from '../create-store.js'
import { decodeValues, indexRows } from '../../domain/schema/stored-values.js'
import type { AttributeDef } from '../../domain/schema/types.js'
import type { AttributeRow, ObjectValueTable } from '../tables.js'

/**
 * The statements of the background task that builds and drops attributes' search-index rows
 * (services/attribute-index.service.ts): each runs in a short transaction of its own.
 */
export const attributeIndexRepository = {
  /** Attributes whose index rows are being built or dropped. */
  pending: (db: Db): Promise<AttributeRow[]> =>
    db
      .selectFrom('attribute')
      .selectAll()
      .where('index_state', 'in', ['building', 'dropping'])
      .orderBy('id')
      .execute(),

  find: (db: Db, id: number): Promise<AttributeRow | undefined> =>
    db.selectFrom('attribute').selectAll().where('id', '=', id).executeTakeFirst(),

  /**
   * Whether an execution of the workspace that may have planned its writes before `since` (the flag's change) is
   * still running: it writes no index rows for the attribute, so building before it ends would not converge.
   */
  executionsPlannedBefore: async (db: Db, workspaceId: string, since: string): Promise<boolean> => {
    const row = await db
      .selectFrom('execution')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', 'PROCESSING')
      .where((eb) => eb.or([eb('started_at', 'is', null), eb('started_at', '<=', since)]))
      .executeTakeFirst()
    return row !== undefined
  },

  /**
   * On PostgreSQL, keeps writers of objects out of the rest of the transaction, without waiting: false when one
   * is running (the batch is tried again later). A batch then reads objects and writes their index rows with no
   * write in between that it would miss. SQLite transactions are serializable already.
   */
  fenceWriters: async (db: Db, caps: DialectCapabilities): Promise<boolean> => {
    if (caps.dialect !== 'postgres') return true
    await sql`savepoint index_fence`.execute(db)
    try {
      await sql`lock table object in share mode nowait`.execute(db)
      await sql`release savepoint index_fence`.execute(db)
      return true
    } catch {
      await sql`rollback to savepoint index_fence`.execute(db)
      return false
    }
  },

  /** The next objects of the type after `after` (by id) that hold values of the attribute. */
  objectsWithKey: (
    db: Db,
    objectTypeId: number,
    attributeId: number,
    after: number,
    limit: number,
  ): Promise<{ id: number; attribute_values: string }[]> =>
    db
      .selectFrom('object')
      .select(['id', 'attribute_values'])
      .where('object_type_id', '=', objectTypeId)
      .where('id', '>', after)
      .where('attribute_values', 'like', `%"${attributeId}":%`)
      .orderBy('id')
      .limit(limit)
      .execute(),

  /**
   * Writes the index rows of up to `limit` objects of the attribute's type after `after` (by id) that hold its
   * values; answers the last id read, or null when no more are left after them.
   */
  indexObjectsAfter: async (
    db: Db,
    attribute: AttributeDef,
    after: number,
    limit: number,
  ): Promise<number | null> => {
    const objects = await attributeIndexRepository.objectsWithKey(
      db,
      attribute.objectTypeId,
      attribute.id,
      after,
      limit,
    )
    const rows = objects.flatMap((object) =>
      indexRows(Number(object.id), attribute, decodeValues(object.attribute_values).get(attribute.id) ?? []),
    )
    await attributeIndexRepository.insertRows(db, rows)
    return objects.length < limit ? null : Number(objects[objects.length - 1]!.id)
  },

  /** Inserts index rows, skipping those a writer has written already. */
  insertRows: async (db: Db, rows: ObjectValueTable[]): Promise<void> => {
    for (let i = 0; i < rows.length; i += 500) {
      await db
        .insertInto('object_value')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) => oc.doNothing())
        .execute()
    }
  },

  /** Deletes up to `limit` index rows of the attribute; returns how many. */
  deleteRows: async (db: Db, attributeId: number, limit: number): Promise<number> => {
    const result = await sql`
      delete from object_value where attribute_id = ${attributeId} and (value_ci, object_id, position) in (
        select value_ci, object_id, position from object_value where attribute_id = ${attributeId} limit ${limit})`.execute(
      db,
    )
    return Number(result.numAffectedRows ?? 0)
  },

  /** Moves the state on, unless a flag change moved it meanwhile. */
  setState: async (db: Db, id: number, from: string, to: string): Promise<void> => {
    await db
      .updateTable('attribute')
      .set({ index_state: to })
      .where('id', '=', id)
      .where('index_state', '=', from)
      .execute()
  },
}
