import { sql, type Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * PostgreSQL compresses large text values (TOAST) with pglz by default. The change log (500 changes per row) and
 * pushed chunks (up to 16 MiB each) are the largest values Intake writes, and pglz cost ~20 µs per imported object
 * in the change log alone; lz4 compresses them several times faster. Servers built without lz4 keep pglz.
 * SQLite does not compress: nothing to do there.
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
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
