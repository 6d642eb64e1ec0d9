import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * Plan → apply (docs/plan-apply.md, decision 0008):
 *
 * - `plan`: one row per dry run of an import source that kept its complete plan: the counts, the order-independent
 *   digest sum of its changes, the mapping document and engine settings it was made with, where its input is
 *   spooled, when it expires and which execution applied it.
 * - `plan_change`: every planned change of a plan (not only the first 20 the result lists), with the state stamp of
 *   the existing object it touches at plan time and a canonical digest the apply compares against.
 * - `plan_apply_change`: the digests of an apply's changes, staged inside the apply's transaction to compute the
 *   difference from its plan (always emptied before the transaction ends).
 * - `execution.plan_execution_id`: the plan (dry-run execution) an `apply` execution applies.
 */
export async function up(db: Kysely<unknown>, _caps: DialectCapabilities): Promise<void> {
  await db.schema
    .createTable('plan')
    .addColumn('execution_id', 'text', (c) => c.primaryKey().references('execution.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('import_source_id', 'text', (c) => c.notNull())
    /** 'ready', 'applied' or 'expired'. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    /** JSON: `{ "<objectTypeId>": { "<operation>": n } }`. */
    .addColumn('counts', 'text', (c) => c.notNull())
    /** Decimal sum (mod 2^60) of the changes' digests: equal sums and counts = the same changes (fast path). */
    .addColumn('digest_sum', 'text', (c) => c.notNull())
    .addColumn('mapping_version', 'integer', (c) => c.notNull())
    /** JSON: the NormalizedDocument and the engine settings the plan was made with. */
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    /** The spooled input (gzip NDJSON, one chunk a line), relative to INTAKE_DATA_DIR/plans; null once purged. */
    .addColumn('input_path', 'text')
    .addColumn('partial_read', 'integer', (c) => c.notNull().defaultTo(0))
    /** JSON: the read state an incremental pull source's dry run ended with; the apply commits it (as a run would). */
    .addColumn('read_state', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('applied_execution_id', 'text')
    .addColumn('applied_at', 'text')
    .execute()
  await db.schema.createIndex('plan_expires_idx').on('plan').columns(['status', 'expires_at']).execute()
  await db.schema
    .createTable('plan_change')
    .addColumn('execution_id', 'text', (c) => c.notNull().references('plan.execution_id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('object_type_id', 'integer', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    /** The existing object changed; null for a create (and a reference change of an object the plan creates). */
    .addColumn('object_id', 'integer')
    .addColumn('object_key', 'text')
    .addColumn('identity', 'text')
    /** JSON: attribute name → { before, after }. */
    .addColumn('differences', 'text', (c) => c.notNull())
    /** The touched existing object's state at plan time (a hash of its label, values and references). */
    .addColumn('stamp', 'text')
    /** What the change is about (type, operation, object id or identity, attributes): unique in a plan. */
    .addColumn('change_key', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('plan_change_pk', ['execution_id', 'seq'])
    .execute()
  await db.schema
    .createIndex('plan_change_type_idx')
    .on('plan_change')
    .columns(['execution_id', 'object_type_id', 'operation', 'seq'])
    .execute()
  await db.schema
    .createIndex('plan_change_key_idx')
    .on('plan_change')
    .columns(['execution_id', 'change_key'])
    .execute()
  await db.schema
    .createTable('plan_apply_change')
    .addColumn('execution_id', 'text', (c) => c.notNull())
    .addColumn('change_key', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('plan_apply_change_idx')
    .on('plan_apply_change')
    .columns(['execution_id', 'change_key'])
    .execute()
  await db.schema.alterTable('execution').addColumn('plan_execution_id', 'text').execute()
}
