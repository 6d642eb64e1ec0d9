import type { Db } from '../create-store.js'
import type { WorkspaceRow } from '../tables.js'

export const workspaceRepository = {
  find: (db: Db, id: string): Promise<WorkspaceRow | undefined> =>
    db.selectFrom('workspace').selectAll().where('id', '=', id).executeTakeFirst(),

  first: (db: Db): Promise<WorkspaceRow | undefined> =>
    db.selectFrom('workspace').selectAll().orderBy('created_at').orderBy('id').limit(1).executeTakeFirst(),

  insert: async (db: Db, row: WorkspaceRow): Promise<void> => {
    await db.insertInto('workspace').values(row).execute()
  },
}
