import type { Db } from '../create-store.js'

/** The read state of pull sources (incremental reads), one row per source. */
export const readStateRepository = {
  find: async (db: Db, importSourceId: string): Promise<string | null> => {
    const row = await db
      .selectFrom('import_source_read_state')
      .select('state')
      .where('import_source_id', '=', importSourceId)
      .executeTakeFirst()
    return row?.state ?? null
  },

  put: async (db: Db, importSourceId: string, state: string, executionId: string, now: string) => {
    await db
      .insertInto('import_source_read_state')
      .values({ import_source_id: importSourceId, state, execution_id: executionId, updated_at: now })
      .onConflict((oc) =>
        oc.column('import_source_id').doUpdateSet({ state, execution_id: executionId, updated_at: now }),
      )
      .execute()
  },
}
