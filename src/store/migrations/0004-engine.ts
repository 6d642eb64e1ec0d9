import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * Executions, their entry problems and their change log, and the missing-object tracking on objects.
 * The change log is written in batches (one row per up to 500 changes of one type and operation) so that a
 * million-object import does not double its row count.
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  const text = 'text'
  const int = 'integer'

  await db.schema
    .createTable('execution')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('workspace_id', text, (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('import_source_id', text, (c) =>
      c.notNull().references('import_source.id').onDelete('cascade'),
    )
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('scheduled', int, (c) => c.notNull().defaultTo(0))
    .addColumn('dry_run', int, (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('started_at', text)
    .addColumn('finished_at', text)
    .addColumn('progress', text)
    .addColumn('result', text)
    .addColumn('failure_reason', text)
    .execute()
  await db.schema
    .createIndex('execution_source_idx')
    .on('execution')
    .columns(['import_source_id', 'created_at'])
    .execute()

  await db.schema
    .createTable('execution_problem')
    .addColumn('execution_id', text, (c) => c.notNull().references('execution.id').onDelete('cascade'))
    .addColumn('seq', int, (c) => c.notNull())
    .addColumn('object_type_id', caps.bigintType)
    .addColumn('location', text, (c) => c.notNull())
    .addColumn('code', text, (c) => c.notNull())
    .addColumn('message', text, (c) => c.notNull())
    .addColumn('attribute', text)
    .addColumn('value', text)
    .addPrimaryKeyConstraint('execution_problem_pk', ['execution_id', 'seq'])
    .execute()

  await db.schema
    .createTable('change_batch')
    .addColumn('execution_id', text, (c) => c.notNull().references('execution.id').onDelete('cascade'))
    .addColumn('seq', int, (c) => c.notNull())
    .addColumn('object_type_id', caps.bigintType, (c) => c.notNull())
    .addColumn('operation', text, (c) => c.notNull())
    .addColumn('count', int, (c) => c.notNull())
    /** JSON array of { objectId, key, before, after } (before/after: attribute id → values; null when absent). */
    .addColumn('changes', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('change_batch_pk', ['execution_id', 'seq'])
    .execute()

  await db.schema.alterTable('object').addColumn('missing_since', text).execute()
  await db.schema
    .alterTable('object')
    .addColumn('missing_runs', int, (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema
    .createIndex('object_source_type_idx')
    .on('object')
    .columns(['import_source_id', 'object_type_id', 'id'])
    .execute()
}
