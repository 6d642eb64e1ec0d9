import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * Import schedules (Assets `importschedule`): at most one per import source; the runs they made (one row per due
 * time, unique, the last guard of exactly-once) and every delivery attempt of an external source's callback.
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  const text = 'text'
  const int = 'integer'
  await db.schema
    .createTable('import_schedule')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('workspace_id', text, (c) => c.notNull())
    .addColumn('import_source_id', text, (c) =>
      c.notNull().unique().references('import_source.id').onDelete('cascade'),
    )
    /** ONCE, DAILY, WEEKLY or MONTHLY. */
    .addColumn('run_frequency', text, (c) => c.notNull())
    .addColumn('start_time', text, (c) => c.notNull())
    .addColumn('timezone', text, (c) => c.notNull())
    .addColumn('callback_url', text)
    /** HMAC-SHA256 key of the callback signature. Kept as given out (signing needs it), shown once at creation. */
    .addColumn('callback_secret', text, (c) => c.notNull())
    .addColumn('is_active', int, (c) => c.notNull())
    /** The due time the scheduler claims next; null when nothing is due any more (ONCE after its run). */
    .addColumn('next_run_at', text)
    .addColumn('last_run_at', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('import_schedule_due_idx')
    .on('import_schedule')
    .columns(['is_active', 'next_run_at'])
    .execute()

  await db.schema
    .createTable('schedule_run')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('schedule_id', text, (c) => c.notNull().references('import_schedule.id').onDelete('cascade'))
    .addColumn('workspace_id', text, (c) => c.notNull())
    .addColumn('import_source_id', text, (c) => c.notNull())
    .addColumn('due_at', text, (c) => c.notNull())
    /** 1 when the run makes up for runs missed while no scheduler was running. */
    .addColumn('catch_up', int, (c) => c.notNull())
    /** pending → started | delivered | skipped | failed. */
    .addColumn('outcome', text, (c) => c.notNull())
    .addColumn('reason', text)
    .addColumn('execution_id', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('finished_at', text)
    .execute()
  await db.schema
    .createIndex('schedule_run_due_idx')
    .on('schedule_run')
    .columns(['schedule_id', 'due_at'])
    .unique()
    .execute()

  await db.schema
    .createTable('schedule_callback_attempt')
    .addColumn('run_id', text, (c) => c.notNull().references('schedule_run.id').onDelete('cascade'))
    .addColumn('attempt', int, (c) => c.notNull())
    .addColumn('attempted_at', text, (c) => c.notNull())
    /** The callback's HTTP status, or null when no answer came (refused, timed out). */
    .addColumn('status_code', int)
    .addColumn('error', text)
    .addColumn('duration_ms', caps.bigintType, (c) => c.notNull())
    .addPrimaryKeyConstraint('schedule_callback_attempt_pk', ['run_id', 'attempt'])
    .execute()
}
