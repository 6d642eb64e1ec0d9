import type { Insertable, Updateable } from 'kysely'
import type { Db } from '../create-store.js'
import type { MappingProgressRow, MappingProgressTable } from '../tables.js'

/** Progress rows of asynchronous mapping operations: queries only. */
export const mappingProgressRepository = {
  insert: async (db: Db, row: Insertable<MappingProgressTable>): Promise<void> => {
    await db.insertInto('mapping_progress').values(row).execute()
  },

  find: (
    db: Db,
    workspaceId: string,
    importSourceId: string,
    id: string,
  ): Promise<MappingProgressRow | undefined> =>
    db
      .selectFrom('mapping_progress')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('import_source_id', '=', importSourceId)
      .where('id', '=', id)
      .executeTakeFirst(),

  /** Updates a row that is still in progress; answers whether it was. */
  finish: async (db: Db, id: string, patch: Updateable<MappingProgressTable>): Promise<boolean> => {
    const r = await db
      .updateTable('mapping_progress')
      .set(patch)
      .where('id', '=', id)
      .where('status', '=', 'IN_PROGRESS')
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  },
}
