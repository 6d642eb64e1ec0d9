import type { Insertable } from 'kysely'
import type { Db } from '../create-store.js'
import type { ObjectHistoryTable } from '../tables.js'

export interface ImportChangeRow {
  execution_id: string
  seq: number
  operation: string
  changes: string
  applied_at: string | null
  actor: string | null
  source_name: string
}

/** Change-log batches of the executions of the source that were applied, on the type, with who and which source. */
function appliedBatchesOf(db: Db, object: { typeId: number; sourceId: string }) {
  return db
    .selectFrom('change_batch')
    .innerJoin('execution', 'execution.id', 'change_batch.execution_id')
    .innerJoin('import_source', 'import_source.id', 'execution.import_source_id')
    .select([
      'change_batch.execution_id',
      'change_batch.seq',
      'change_batch.operation',
      'change_batch.changes',
      'execution.applied_at',
      'execution.actor',
      'import_source.name as source_name',
    ])
    .where('execution.import_source_id', '=', object.sourceId)
    .where('execution.applied_at', 'is not', null)
    .where('change_batch.object_type_id', '=', object.typeId)
}

/** The history of objects: the object API's own rows and the imports' change log. Queries only. */
export const objectHistoryRepository = {
  insert: async (db: Db, row: Insertable<ObjectHistoryTable>): Promise<void> => {
    await db.insertInto('object_history').values(row).execute()
  },
  ofObject: (db: Db, objectId: number) =>
    db.selectFrom('object_history').selectAll().where('object_id', '=', objectId).orderBy('id').execute(),
  /**
   * The change-log batches of applied executions of the owning source that mention the object. Each change is
   * serialised as `{"objectId":<id>,"key":…` (engine/change-log.ts), so the pattern matches this object only; the
   * batches of the object's type are scanned, which costs in proportion to that type's import history.
   */
  importBatchesOf: (
    db: Db,
    object: { id: number; typeId: number; sourceId: string },
  ): Promise<ImportChangeRow[]> =>
    appliedBatchesOf(db, object)
      .where('change_batch.changes', 'like', `%{"objectId":${object.id},"key"%`)
      .orderBy('execution.applied_at')
      .orderBy('change_batch.seq')
      .execute(),
  /**
   * The creation rows (`create-range`: `[[first, last], …]` id ranges) of applied executions of the owning source on
   * the object's type: one row per execution and type as a rule, so this reads a few rows per execution; the caller
   * tests the ranges.
   */
  importCreationsOf: (db: Db, object: { typeId: number; sourceId: string }): Promise<ImportChangeRow[]> =>
    appliedBatchesOf(db, object)
      .where('change_batch.operation', '=', 'create-range')
      .orderBy('execution.applied_at')
      .orderBy('change_batch.seq')
      .execute(),
  removeOfObject: async (db: Db, objectId: number): Promise<void> => {
    await db.deleteFrom('object_history').where('object_id', '=', objectId).execute()
  },
}
