import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * Incremental reads of pull sources (SQL high-water marks, and any connector that yields a read state): one row
 * per source with the state its last completed execution ended with, written in the engine's transaction. An
 * execution started with `{"fullRead": true}` ignores it (`execution.full_read`).
 */
export async function up(db: Kysely<unknown>, _caps: DialectCapabilities): Promise<void> {
  await db.schema
    .createTable('import_source_read_state')
    .addColumn('import_source_id', 'text', (c) =>
      c.primaryKey().references('import_source.id').onDelete('cascade'),
    )
    /** JSON: the connector's read state (ReadState). */
    .addColumn('state', 'text', (c) => c.notNull())
    /** The execution that committed it. */
    .addColumn('execution_id', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .alterTable('execution')
    .addColumn('full_read', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
}
