import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * Reverting an execution (`POST …/executions/{id}/revert`): a revert is an execution of kind 'revert' that names
 * the execution it takes back (`reverts_execution_id`); the reverted execution names its revert (`reverted_by`,
 * set in the revert's transaction).
 */
export async function up(db: Kysely<unknown>, _caps: DialectCapabilities): Promise<void> {
  await db.schema.alterTable('execution').addColumn('reverts_execution_id', 'text').execute()
  await db.schema.alterTable('execution').addColumn('reverted_by', 'text').execute()
  await db.schema
    .createIndex('execution_reverts_idx')
    .on('execution')
    .column('reverts_execution_id')
    .where('reverts_execution_id', 'is not', null)
    .execute()
}
