import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * The file of a file import source (CSV, JSON, XLSX): an upload kept under `INTAKE_DATA_DIR/uploads/<source>/`, or
 * a server-side file inside `INTAKE_IMPORT_DIR`. One row per source; a new upload replaces it. Executions get the
 * actor who started them (the progress resource's `actor`).
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  await db.schema
    .createTable('import_source_file')
    .addColumn('import_source_id', 'text', (c) =>
      c.primaryKey().references('import_source.id').onDelete('cascade'),
    )
    /** 'upload' (stored under the data directory) or 'server' (a file inside INTAKE_IMPORT_DIR). */
    .addColumn('origin', 'text', (c) => c.notNull())
    /** The file's name as the client gave it (uploads) or its path relative to INTAKE_IMPORT_DIR. */
    .addColumn('name', 'text', (c) => c.notNull())
    /** Uploads: the stored file name in the source's upload directory; server files: the path as given. */
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('size', caps.bigintType, (c) => c.notNull())
    .addColumn('content_type', 'text')
    .addColumn('uploaded_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.alterTable('execution').addColumn('actor', 'text').execute()
}
