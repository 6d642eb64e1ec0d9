import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * Push executions and the durable job queue: the execution's ingest bookkeeping, its submitted chunks (kept in
 * order, idempotent by clientGeneratedId), and the `job` table the workers claim from.
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  const text = 'text'
  const int = 'integer'
  const big = caps.bigintType

  const addColumn = (name: string, type: 'text' | 'integer' | 'bigint', notNullZero = false) =>
    db.schema
      .alterTable('execution')
      .addColumn(name, type, (c) => (notNullZero ? c.notNull().defaultTo(0) : c))
      .execute()
  await addColumn('client_progress', text)
  await addColumn('chunk_count', int, true)
  await addColumn('total_bytes', big, true)
  await addColumn('completed_at', text)
  await addColumn('cancel_requested', int, true)
  /** Set inside the engine's own transaction: the data of the execution is in the repository. */
  await addColumn('applied_at', text)
  await db.schema
    .createIndex('execution_source_status_idx')
    .on('execution')
    .columns(['import_source_id', 'status'])
    .execute()

  await db.schema
    .createTable('execution_chunk')
    .addColumn('execution_id', text, (c) => c.notNull().references('execution.id').onDelete('cascade'))
    .addColumn('seq', int, (c) => c.notNull())
    .addColumn('client_generated_id', text)
    .addColumn('body_hash', text, (c) => c.notNull())
    /** The chunk's `data` as JSON text; null once purged by retention (or for a completion-only request). */
    .addColumn('payload', text)
    .addColumn('size', int, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('execution_chunk_pk', ['execution_id', 'seq'])
    .execute()
  await db.schema
    .createIndex('execution_chunk_client_id_idx')
    .on('execution_chunk')
    .columns(['execution_id', 'client_generated_id'])
    .unique()
    .execute()

  await db.schema
    .createTable('job')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('queue', text, (c) => c.notNull())
    .addColumn('kind', text, (c) => c.notNull())
    /** What the job is about (an execution id), for cancelling and inspecting. */
    .addColumn('subject', text)
    .addColumn('payload', text, (c) => c.notNull())
    /** pending → running → done | failed | cancelled. */
    .addColumn('state', text, (c) => c.notNull())
    .addColumn('run_at', text, (c) => c.notNull())
    .addColumn('attempts', int, (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', int, (c) => c.notNull())
    .addColumn('locked_by', text)
    .addColumn('locked_at', text)
    .addColumn('heartbeat_at', text)
    .addColumn('last_error', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('finished_at', text)
    .execute()
  await db.schema.createIndex('job_claim_idx').on('job').columns(['queue', 'state', 'run_at']).execute()
  await db.schema.createIndex('job_subject_idx').on('job').columns(['subject']).execute()
}
