import type { ExpressionBuilder, Insertable, Selectable } from 'kysely'
import type { Db } from '../create-store.js'
import type { Database, UploadJobTable } from '../tables.js'

export type UploadJobRow = Selectable<UploadJobTable>

/** A problem located at a row of the file: `rows[i]` (the engine) or `line n` (the CSV connector). */
const atRow = (eb: ExpressionBuilder<Database, 'execution_problem'>) =>
  eb.or([eb('location', 'like', 'rows[%'), eb('location', 'like', 'line %')])

/** Upload jobs, the import source of each uploaded-to object type, and the object types an upload may name. */
export const uploadJobRepository = {
  /** Object types of the workspace with this id (when `id` is numeric) or this name (case-insensitive). */
  typesNamed: (db: Db, workspaceId: string, entity: string) => {
    let q = db
      .selectFrom('object_type')
      .select(['id', 'object_schema_id', 'name'])
      .where('workspace_id', '=', workspaceId)
    const id = /^\d{1,15}$/.test(entity) ? Number(entity) : null
    q =
      id === null
        ? q.where((eb) => eb(eb.fn('lower', ['name']), '=', entity.toLowerCase()))
        : q.where((eb) => eb.or([eb('id', '=', id), eb(eb.fn('lower', ['name']), '=', entity.toLowerCase())]))
    return q.orderBy('id').execute()
  },

  sourceOf: async (db: Db, objectTypeId: number): Promise<string | undefined> =>
    (
      await db
        .selectFrom('upload_source')
        .select('import_source_id')
        .where('object_type_id', '=', objectTypeId)
        .executeTakeFirst()
    )?.import_source_id,

  insertSource: async (db: Db, objectTypeId: number, importSourceId: string): Promise<void> => {
    await db
      .insertInto('upload_source')
      .values({ object_type_id: objectTypeId, import_source_id: importSourceId })
      .execute()
  },

  insert: async (db: Db, row: Insertable<UploadJobTable>): Promise<void> => {
    await db.insertInto('upload_job').values(row).execute()
  },

  find: (db: Db, executionId: string): Promise<UploadJobRow | undefined> =>
    db.selectFrom('upload_job').selectAll().where('execution_id', '=', executionId).executeTakeFirst(),

  /** One page of the problems at rows of the file, in the order they were found. */
  rowProblems: (db: Db, executionId: string, startAt: number, max: number) =>
    db
      .selectFrom('execution_problem')
      .selectAll()
      .where('execution_id', '=', executionId)
      .where(atRow)
      .orderBy('seq')
      .offset(startAt)
      .limit(max)
      .execute(),

  countRowProblems: async (db: Db, executionId: string): Promise<number> => {
    const row = await db
      .selectFrom('execution_problem')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('execution_id', '=', executionId)
      .where(atRow)
      .executeTakeFirst()
    return Number(row?.n ?? 0)
  },

  /** Problems that belong to no row (a mapped column that read nothing in any row): warnings, the first `max`. */
  warnings: (db: Db, executionId: string, max: number) =>
    db
      .selectFrom('execution_problem')
      .select(['code', 'message', 'attribute'])
      .where('execution_id', '=', executionId)
      .where((eb) => eb.not(atRow(eb)))
      .orderBy('seq')
      .limit(max)
      .execute(),

  /** Rows (problem locations) of an execution that have at least one problem. */
  countFailedRows: async (db: Db, executionId: string): Promise<number> => {
    const row = await db
      .selectFrom('execution_problem')
      .select((eb) => eb.fn.count<number | string>('location').distinct().as('n'))
      .where('execution_id', '=', executionId)
      .where(atRow)
      .executeTakeFirst()
    return Number(row?.n ?? 0)
  },
}
