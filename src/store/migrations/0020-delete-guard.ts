import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * The mass-delete guard (docs/mass-delete-guard.md):
 *
 * - `execution.hold`: JSON ExecutionHold — the numbers per object type of an execution the guard held (status
 *   HELD), the approvals and the rejection. Kept after the decision.
 * - `workspace_setting`: workspace-level settings, one JSON value per key (`deleteGuard`: the default guard of the
 *   workspace's sources), so that later workspace-level defaults join without a migration each.
 */
export async function up(db: Kysely<unknown>, _caps: DialectCapabilities): Promise<void> {
  await db.schema.alterTable('execution').addColumn('hold', 'text').execute()
  await db.schema
    .createTable('workspace_setting')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addPrimaryKeyConstraint('workspace_setting_pk', ['workspace_id', 'key'])
    .execute()
}
