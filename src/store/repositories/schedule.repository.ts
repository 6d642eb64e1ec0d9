import type { Insertable, Selectable, Updateable } from 'kysely'
import type { Db } from '../create-store.js'
import type { ImportScheduleTable, ScheduleCallbackAttemptTable, ScheduleRunTable } from '../tables.js'

export type ScheduleRow = Selectable<ImportScheduleTable>
export type SchedulePatch = Updateable<ImportScheduleTable>
export type ScheduleRunRow = Selectable<ScheduleRunTable>
export type ScheduleRunPatch = Updateable<ScheduleRunTable>
export type CallbackAttemptRow = Selectable<ScheduleCallbackAttemptTable>

/** Import schedules, their runs and callback attempts: queries only, no rules. */
export const scheduleRepository = {
  insert: async (db: Db, row: Insertable<ImportScheduleTable>): Promise<void> => {
    await db.insertInto('import_schedule').values(row).execute()
  },

  find: (db: Db, workspaceId: string, importSourceId: string, id: string) =>
    db
      .selectFrom('import_schedule')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('import_source_id', '=', importSourceId)
      .where('id', '=', id)
      .executeTakeFirst(),

  findById: (db: Db, id: string) =>
    db.selectFrom('import_schedule').selectAll().where('id', '=', id).executeTakeFirst(),

  findBySource: (db: Db, workspaceId: string, importSourceId: string) =>
    db
      .selectFrom('import_schedule')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('import_source_id', '=', importSourceId)
      .executeTakeFirst(),

  listInWorkspace: (db: Db, workspaceId: string) =>
    db.selectFrom('import_schedule').selectAll().where('workspace_id', '=', workspaceId).execute(),

  update: async (db: Db, id: string, patch: SchedulePatch): Promise<void> => {
    await db.updateTable('import_schedule').set(patch).where('id', '=', id).execute()
  },

  remove: async (db: Db, id: string): Promise<void> => {
    await db.deleteFrom('import_schedule').where('id', '=', id).execute()
  },

  /** Active schedules whose next run is due at `now`, oldest first. */
  due: (db: Db, now: string, limit: number) =>
    db
      .selectFrom('import_schedule')
      .selectAll()
      .where('is_active', '=', 1)
      .where('next_run_at', 'is not', null)
      .where('next_run_at', '<=', now)
      .orderBy('next_run_at')
      .limit(limit)
      .execute(),

  /**
   * Claims the due time `dueAt` of a schedule by moving its next run on: one guarded statement, so that of several
   * schedulers looking at the same due time exactly one wins (the others update no row).
   */
  advance: async (db: Db, id: string, dueAt: string, patch: SchedulePatch): Promise<boolean> => {
    const result = await db
      .updateTable('import_schedule')
      .set(patch)
      .where('id', '=', id)
      .where('is_active', '=', 1)
      .where('next_run_at', '=', dueAt)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  },

  insertRun: async (db: Db, row: Insertable<ScheduleRunTable>): Promise<void> => {
    await db.insertInto('schedule_run').values(row).execute()
  },

  findRun: (db: Db, id: string) =>
    db.selectFrom('schedule_run').selectAll().where('id', '=', id).executeTakeFirst(),

  /** Ends a pending run; false when it had ended already. */
  endRun: async (db: Db, id: string, patch: ScheduleRunPatch): Promise<boolean> => {
    const result = await db
      .updateTable('schedule_run')
      .set(patch)
      .where('id', '=', id)
      .where('outcome', '=', 'pending')
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  },

  runs: (db: Db, scheduleId: string, limit: number) =>
    db
      .selectFrom('schedule_run')
      .selectAll()
      .where('schedule_id', '=', scheduleId)
      .orderBy('due_at', 'desc')
      .limit(limit)
      .execute(),

  insertAttempt: async (db: Db, row: Insertable<ScheduleCallbackAttemptTable>): Promise<void> => {
    await db.insertInto('schedule_callback_attempt').values(row).execute()
  },

  attempts: (db: Db, runIds: string[]) =>
    runIds.length === 0
      ? Promise.resolve([] as CallbackAttemptRow[])
      : db
          .selectFrom('schedule_callback_attempt')
          .selectAll()
          .where('run_id', 'in', runIds)
          .orderBy('run_id')
          .orderBy('attempt')
          .execute(),
}
