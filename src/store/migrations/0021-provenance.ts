import { sql, type Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * Provenance (docs/provenance.md, docs/decisions/0009-provenance.md): who last wrote each attribute value.
 *
 * - `write_origin`: one row per writer — an execution of an import source, or one write through the object API
 *   (`import_source_id` null = "manual", with the token as `actor`).
 * - `object.origin_id`: the origin of every attribute of the object that `object.provenance` does not name: the
 *   creator, so that a first load adds one integer per row and nothing per attribute.
 * - `object.provenance`: JSON `{ "<attributeId>": originId }` only for the attributes whose last writer is not
 *   origin_id; null while there are none.
 *
 * Existing objects: one origin per (workspace, owning source) — or per workspace for objects without a source
 * (manual) — with no execution, actor `migration:0021`, and the newest `updated_at` of its objects as its time.
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  await caps
    .addIdColumn(db.schema.createTable('write_origin'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    /** null = written through the object API ("manual"). No foreign key: provenance outlives a deleted source. */
    .addColumn('import_source_id', 'text')
    .addColumn('execution_id', 'text')
    /** Who wrote (`token:<id>`) for manual writes; null when unknown. */
    .addColumn('actor', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('write_origin_execution_idx')
    .on('write_origin')
    .column('execution_id')
    .execute()
  await db.schema.alterTable('object').addColumn('origin_id', caps.bigintType).execute()
  await db.schema.alterTable('object').addColumn('provenance', 'text').execute()

  await sql`insert into write_origin (workspace_id, import_source_id, execution_id, actor, created_at)
    select workspace_id, import_source_id, null, 'migration:0021', max(updated_at)
    from object group by workspace_id, import_source_id`.execute(db)
  await sql`update object set origin_id = (
      select w.id from write_origin w
      where w.workspace_id = object.workspace_id and w.actor = 'migration:0021'
        and (w.import_source_id = object.import_source_id
          or (w.import_source_id is null and object.import_source_id is null)))`.execute(db)
}
