import type { Db } from '../create-store.js'

/** Workspace-level settings: one JSON value per key. Queries only. */
export const workspaceSettingRepository = {
  all: (db: Db, workspaceId: string) =>
    db
      .selectFrom('workspace_setting')
      .select(['key', 'value'])
      .where('workspace_id', '=', workspaceId)
      .execute(),

  find: async (db: Db, workspaceId: string, key: string): Promise<string | undefined> => {
    const row = await db
      .selectFrom('workspace_setting')
      .select('value')
      .where('workspace_id', '=', workspaceId)
      .where('key', '=', key)
      .executeTakeFirst()
    return row?.value
  },

  put: async (
    db: Db,
    row: { workspace_id: string; key: string; value: string; updated_at: string; updated_by: string | null },
  ): Promise<void> => {
    await db
      .insertInto('workspace_setting')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'key']).doUpdateSet({
          value: row.value,
          updated_at: row.updated_at,
          updated_by: row.updated_by,
        }),
      )
      .execute()
  },

  remove: async (db: Db, workspaceId: string, key: string): Promise<void> => {
    await db
      .deleteFrom('workspace_setting')
      .where('workspace_id', '=', workspaceId)
      .where('key', '=', key)
      .execute()
  },
}
