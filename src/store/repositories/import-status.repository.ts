import type { Db } from '../create-store.js'

/** The executions of pull sources (every kind but `external`) of a workspace, newest first. */
const pullExecutions = (db: Db, workspaceId: string) =>
  db
    .selectFrom('execution')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('kind', '<>', 'external')

/** What `import_status.json` reads: the workspace's pull executions and pull schedules. Queries only. */
export const importStatusRepository = {
  active: (db: Db, workspaceId: string, statuses: readonly string[]) =>
    pullExecutions(db, workspaceId)
      .where('status', 'in', [...statuses])
      .orderBy('created_at', 'desc')
      .execute(),

  latestEnded: (db: Db, workspaceId: string, statuses: readonly string[]) =>
    pullExecutions(db, workspaceId)
      .where('status', 'in', [...statuses])
      .where('finished_at', 'is not', null)
      .orderBy('finished_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst(),

  /** The earliest next run of an active schedule of an enabled pull source. */
  nextPullRun: async (db: Db, workspaceId: string): Promise<string | null> => {
    const row = await db
      .selectFrom('import_schedule as s')
      .innerJoin('import_source as src', 'src.id', 's.import_source_id')
      .select('s.next_run_at')
      .where('s.workspace_id', '=', workspaceId)
      .where('s.is_active', '=', 1)
      .where('s.next_run_at', 'is not', null)
      .where('src.enabled', '=', 1)
      .where('src.type', '<>', 'external')
      .orderBy('s.next_run_at')
      .limit(1)
      .executeTakeFirst()
    return row?.next_run_at ?? null
  },

  /** Enabled pull sources of the workspace: the members of an import run. */
  enabledPullSources: (db: Db, workspaceId: string) =>
    db
      .selectFrom('import_source')
      .select(['id', 'name', 'type'])
      .where('workspace_id', '=', workspaceId)
      .where('enabled', '=', 1)
      .where('type', '<>', 'external')
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
}
