import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * The history of objects written through the object API (`object/create`, `PUT object/{id}`), in the change log's
 * shape (before/after values by attribute id). Imports keep theirs in `change_batch`; `GET object/{id}/history`
 * reads both. Rows go with their object.
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  await caps
    .addIdColumn(db.schema.createTable('object_history'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('object_id', caps.bigintType, (c) => c.notNull().references('object.id').onDelete('cascade'))
    /** 'create' or 'update'. */
    .addColumn('operation', 'text', (c) => c.notNull())
    /** Who wrote it (`token:<id>`), null when unknown. */
    .addColumn('actor', 'text')
    /** JSON `{ "<attributeId>": [values] }` of the changed attributes before the write (null for a create). */
    .addColumn('before', 'text')
    /** JSON `{ "<attributeId>": [values] }` of the changed attributes after the write. */
    .addColumn('after', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('object_history_object_idx')
    .on('object_history')
    .columns(['object_id', 'id'])
    .execute()
}
