import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * Spreadsheet upload jobs (`POST /api/v1/entities/:entity/import`): each entity (object type) that received an
 * upload has one import source that owns the objects its uploads create, and each upload is an execution of that
 * source with the request it came with (its file under `INTAKE_DATA_DIR/uploads/jobs/`, mapping, locale, offset).
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  await db.schema
    .createTable('upload_source')
    .addColumn('object_type_id', caps.bigintType, (c) =>
      c.primaryKey().references('object_type.id').onDelete('cascade'),
    )
    .addColumn('import_source_id', 'text', (c) =>
      c.notNull().unique().references('import_source.id').onDelete('cascade'),
    )
    .execute()
  await db.schema
    .createTable('upload_job')
    .addColumn('execution_id', 'text', (c) => c.primaryKey().references('execution.id').onDelete('cascade'))
    .addColumn('object_type_id', caps.bigintType, (c) => c.notNull())
    .addColumn('object_schema_id', caps.bigintType, (c) => c.notNull())
    /** The stored file, relative to `INTAKE_DATA_DIR/uploads/jobs/`; removed when the job ends. */
    .addColumn('file_path', 'text', (c) => c.notNull())
    /** JSON: the request as accepted (type, file name and size, mapping, locale, timezoneOffset, domain, version). */
    .addColumn('request', 'text', (c) => c.notNull())
    /** JSON: the mapped columns (index, header, attribute, kind, identity, label). */
    .addColumn('columns', 'text', (c) => c.notNull())
    /** JSON: the engine's mapping document built from the columns. */
    .addColumn('document', 'text', (c) => c.notNull())
    .execute()
}
