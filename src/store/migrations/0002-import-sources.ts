import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * Import sources with their settings, connector config and schema + mapping document, and the progress rows of
 * asynchronous mapping operations. `api_token.import_source_id` stays without a foreign key on purpose: container
 * tokens are revoked when their source is deleted, and the token table predates sources.
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  const text = 'text'
  const int = 'integer'

  await db.schema
    .createTable('import_source')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('workspace_id', text, (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('description', text, (c) => c.notNull())
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('object_schema_id', caps.bigintType, (c) =>
      c.references('object_schema.id').onDelete('set null'),
    )
    .addColumn('settings', text, (c) => c.notNull())
    .addColumn('config', text, (c) => c.notNull())
    .addColumn('enabled', int, (c) => c.notNull().defaultTo(1))
    .addColumn('mapping', text)
    .addColumn('mapping_version', int, (c) => c.notNull().defaultTo(0))
    .addColumn('mapping_updated_at', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('import_source_workspace_idx')
    .on('import_source')
    .columns(['workspace_id', 'created_at'])
    .execute()

  await db.schema
    .createTable('mapping_progress')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('workspace_id', text, (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('import_source_id', text, (c) =>
      c.notNull().references('import_source.id').onDelete('cascade'),
    )
    .addColumn('operation', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('result', text)
    .addColumn('message', text)
    .addColumn('problems', text)
    .addColumn('request', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .addColumn('finished_at', text)
    .execute()
  await db.schema
    .createIndex('mapping_progress_source_idx')
    .on('mapping_progress')
    .columns(['import_source_id'])
    .execute()
}
