import type { Db } from '../create-store.js'
import type { ApiTokenRow, NewApiTokenRow } from '../tables.js'

/**
 * Counts revocations in this process. Authentication caches (TokenService) remember the count a lookup started
 * at and trust an entry only while it is unchanged, so a revocation made here takes effect at once. It is bumped
 * when a revocation is written and again once its transaction has committed (revocationCommitted), so a lookup
 * that read the token between the two cannot be trusted either.
 */
let revocations = 0
export const tokenRevocations = {
  current: (): number => revocations,
  /** To be called after the transaction that revoked tokens committed (or rolled back). */
  committed: (): void => void revocations++,
}

export const tokenRepository = {
  insert: async (db: Db, row: NewApiTokenRow): Promise<void> => {
    await db.insertInto('api_token').values(row).execute()
  },

  findActiveByHash: (db: Db, hash: string): Promise<ApiTokenRow | undefined> =>
    db
      .selectFrom('api_token')
      .selectAll()
      .where('token_hash', '=', hash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst(),

  find: (db: Db, workspaceId: string, id: string): Promise<ApiTokenRow | undefined> =>
    db
      .selectFrom('api_token')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst(),

  list: (db: Db, workspaceId: string, kind: string): Promise<ApiTokenRow[]> =>
    db
      .selectFrom('api_token')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', kind)
      .orderBy('created_at')
      .execute(),

  countActiveAdmins: async (db: Db, workspaceId: string): Promise<number> => {
    const rows = await db
      .selectFrom('api_token')
      .select('scopes')
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', 'workspace')
      .where('revoked_at', 'is', null)
      .execute()
    return rows.filter((r) => r.scopes.split(' ').includes('admin')).length
  },

  revoke: async (db: Db, id: string, at: string): Promise<number> => {
    revocations++
    const result = await db
      .updateTable('api_token')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    return Number(result.numUpdatedRows)
  },

  revokeForSource: async (db: Db, importSourceId: string, at: string): Promise<void> => {
    revocations++
    await db
      .updateTable('api_token')
      .set({ revoked_at: at })
      .where('import_source_id', '=', importSourceId)
      .where('kind', '=', 'container')
      .where('revoked_at', 'is', null)
      .execute()
  },

  touch: async (db: Db, id: string, at: string): Promise<void> => {
    await db.updateTable('api_token').set({ last_used_at: at }).where('id', '=', id).execute()
  },
}
