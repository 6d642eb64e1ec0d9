import type { Insertable, Selectable, Updateable } from 'kysely'
import type { Db } from '../create-store.js'
import type { ExecutionChunkTable, ExecutionTable } from '../tables.js'

export type ExecutionRow = Selectable<ExecutionTable>
export type ExecutionPatch = Updateable<ExecutionTable>
export type ChunkRow = Selectable<ExecutionChunkTable>

/** Executions, their chunks and their entry problems: queries only, no rules. */
export const executionRepository = {
  insert: async (db: Db, row: Insertable<ExecutionTable>): Promise<void> => {
    await db.insertInto('execution').values(row).execute()
  },

  find: (
    db: Db,
    workspaceId: string,
    importSourceId: string,
    id: string,
  ): Promise<ExecutionRow | undefined> =>
    db
      .selectFrom('execution')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('import_source_id', '=', importSourceId)
      .where('id', '=', id)
      .executeTakeFirst(),

  findInWorkspace: (db: Db, workspaceId: string, id: string): Promise<ExecutionRow | undefined> =>
    db
      .selectFrom('execution')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst(),

  findById: (db: Db, id: string): Promise<ExecutionRow | undefined> =>
    db.selectFrom('execution').selectAll().where('id', '=', id).executeTakeFirst(),

  active: (db: Db, importSourceId: string, statuses: readonly string[]): Promise<ExecutionRow | undefined> =>
    db
      .selectFrom('execution')
      .selectAll()
      .where('import_source_id', '=', importSourceId)
      .where('status', 'in', [...statuses])
      .orderBy('created_at', 'desc')
      .executeTakeFirst(),

  latest: (db: Db, workspaceId: string, importSourceId: string): Promise<ExecutionRow | undefined> =>
    db
      .selectFrom('execution')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('import_source_id', '=', importSourceId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst(),

  list: (db: Db, workspaceId: string, importSourceId: string, startAt: number, max: number) =>
    db
      .selectFrom('execution')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('import_source_id', '=', importSourceId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .offset(startAt)
      .limit(max)
      .execute(),

  count: async (db: Db, workspaceId: string, importSourceId: string): Promise<number> => {
    const row = await db
      .selectFrom('execution')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('import_source_id', '=', importSourceId)
      .executeTakeFirstOrThrow()
    return Number(row.n)
  },

  /** Applies the patch only while the execution is in one of `from`; answers whether it did. */
  updateIfStatus: async (
    db: Db,
    id: string,
    from: readonly string[],
    patch: ExecutionPatch,
  ): Promise<boolean> => {
    const result = await db
      .updateTable('execution')
      .set(patch)
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .executeTakeFirst()
    return Number(result.numUpdatedRows) > 0
  },

  /** Counts one more chunk of `size` bytes on an ingesting execution; answers the new totals, or undefined. */
  reserveChunk: (db: Db, id: string, size: number) =>
    db
      .updateTable('execution')
      .set((eb) => ({ chunk_count: eb('chunk_count', '+', 1), total_bytes: eb('total_bytes', '+', size) }))
      .where('id', '=', id)
      .where('status', '=', 'INGESTING')
      .returning(['chunk_count', 'total_bytes'])
      .executeTakeFirst(),

  findChunk: (db: Db, executionId: string, clientGeneratedId: string) =>
    db
      .selectFrom('execution_chunk')
      .select(['seq', 'body_hash', 'payload'])
      .where('execution_id', '=', executionId)
      .where('client_generated_id', '=', clientGeneratedId)
      .executeTakeFirst(),

  insertChunk: async (db: Db, row: Insertable<ExecutionChunkTable>): Promise<void> => {
    await db.insertInto('execution_chunk').values(row).execute()
  },

  listChunks: (db: Db, executionId: string, startAt: number, max: number): Promise<ChunkRow[]> =>
    db
      .selectFrom('execution_chunk')
      .selectAll()
      .where('execution_id', '=', executionId)
      .orderBy('seq')
      .offset(startAt)
      .limit(max)
      .execute(),

  /** The next chunks with data after `afterSeq`, in order (the worker streams them page by page). */
  payloadsAfter: (db: Db, executionId: string, afterSeq: number, limit: number) =>
    db
      .selectFrom('execution_chunk')
      .select(['seq', 'payload'])
      .where('execution_id', '=', executionId)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute(),

  listProblems: (db: Db, executionId: string, startAt: number, max: number) =>
    db
      .selectFrom('execution_problem')
      .selectAll()
      .where('execution_id', '=', executionId)
      .orderBy('seq')
      .offset(startAt)
      .limit(max)
      .execute(),

  countOf: async (db: Db, table: 'execution_problem' | 'execution_chunk', executionId: string) => {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('execution_id', '=', executionId)
      .executeTakeFirstOrThrow()
    return Number(row.n)
  },

  /** Drops the payloads of chunks whose execution finished before `cutoff`; answers how many. */
  purgePayloads: async (db: Db, cutoff: string): Promise<number> => {
    const result = await db
      .updateTable('execution_chunk')
      .set({ payload: null })
      .where('payload', 'is not', null)
      .where('execution_id', 'in', (eb) =>
        // A held execution (mass-delete guard) keeps its chunks: its approval runs them again.
        eb
          .selectFrom('execution')
          .select('id')
          .where('finished_at', '<', cutoff)
          .where('status', '<>', 'HELD'),
      )
      .executeTakeFirst()
    return Number(result.numUpdatedRows)
  },
}
