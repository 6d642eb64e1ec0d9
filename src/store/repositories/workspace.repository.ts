import type { Db } from '../create-store.js'
import type { WorkspaceRow } from '../tables.js'
import { idNumberRepository } from './id-number.repository.js'

export const workspaceRepository = {
  find: (db: Db, id: string): Promise<WorkspaceRow | undefined> =>
    db.selectFrom('workspace').selectAll().where('id', '=', id).executeTakeFirst(),

  first: (db: Db): Promise<WorkspaceRow | undefined> =>
    db.selectFrom('workspace').selectAll().orderBy('created_at').orderBy('id').limit(1).executeTakeFirst(),

  /** With its id's number (id_number): made here, not by the first import's long transaction (intern). */
  insert: async (db: Db, row: WorkspaceRow): Promise<void> => {
    await db.insertInto('workspace').values(row).execute()
    await idNumberRepository.intern(db, row.id)
  },
}
