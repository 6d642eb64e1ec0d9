import { sql, type Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * The import engine's write path, measured at a million objects:
 *
 * - `object_source_type_idx` (import source, type, id) goes. The identity lookups of every batch must use the
 *   (type, source, identity) unique index, but inside an import's transaction PostgreSQL's statistics still describe
 *   the table as it was before the import, the two indexes cost the same to the planner, and it chose this one —
 *   reading every object of the type for each identity looked up. The missing-objects pass now pages through the
 *   unique index in identity order instead. One index fewer to write per object, on both engines.
 * - PostgreSQL compresses large text values (TOAST) with pglz by default. The change log (500 changes per row) and
 *   pushed chunks (up to 16 MiB each) are the largest values Intake writes, and pglz cost ~20 µs per imported object
 *   in the change log alone; lz4 compresses them several times faster. Servers built without lz4 keep pglz. SQLite
 *   does not compress.
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  await sql`drop index if exists object_source_type_idx`.execute(db)
  if (caps.dialect !== 'postgres') return
  // Inside the migration's transaction a failed statement aborts the transaction: fence it with a savepoint.
  const fenced = db.isTransaction
  if (fenced) await sql`savepoint bulk_storage`.execute(db)
  try {
    await sql`alter table change_batch alter column changes set compression lz4`.execute(db)
    await sql`alter table execution_chunk alter column payload set compression lz4`.execute(db)
    if (fenced) await sql`release savepoint bulk_storage`.execute(db)
  } catch {
    if (fenced) await sql`rollback to savepoint bulk_storage`.execute(db)
  }
}
