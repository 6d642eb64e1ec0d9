import { sql, type Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * What compiled AQL queries need (docs/aql.md):
 *
 * - `object.label_ci`, the label folded as AQL folds text (String.prototype.toLowerCase, full Unicode). Neither
 *   engine can fold like JavaScript in SQL (SQLite's lower() folds ASCII only), so it is written beside the label
 *   by whoever writes the label, like `object_value.value_ci`. On PostgreSQL it is `COLLATE "C"`, so that its
 *   order and its index follow Unicode code points as AQL's order by does.
 * - `object(workspace_id, object_type_id, label_ci, id)`, replacing 0001's `(object_type_id, label)`: the first
 *   page of `objectType = X` in AQL's default order (label, then id) is read from the index in order, and a type's
 *   objects are counted from it. Replacing keeps the write cost of objects as it was.
 * - `object(workspace_id, lower(object_key))` for `Key = …` (keys compare case-insensitively, like text).
 * - On PostgreSQL, when the pg_trgm extension can be created here, a trigram index on label_ci for `label like`.
 *   Creating an extension may be refused on a managed server; then the migration goes on without it (a scan).
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  const collate = caps.textCollateC ? sql` collate "C"` : sql``
  await sql`alter table object add column label_ci text${collate} not null default ''`.execute(db)
  await backfillFoldedLabels(db)

  await db.schema.dropIndex('object_type_label_idx').execute()
  await db.schema
    .createIndex('object_type_label_ci_idx')
    .on('object')
    .columns(['workspace_id', 'object_type_id', 'label_ci', 'id'])
    .execute()

  // `Key = "ITSM-12"` folds the key like text; keys are ASCII, where lower() (ASCII-only under "C") is foldCase.
  const foldedKey = caps.textCollateC ? sql`lower(object_key collate "C")` : sql`lower(object_key)`
  await sql`create index object_key_ci_idx on object (workspace_id, ${foldedKey})`.execute(db)

  if (caps.dialect === 'postgres') await tryTrigramIndex(db)
}

/** Objects written before this migration (frozen in time: folds with toLowerCase, as foldCase does). */
export async function backfillFoldedLabels(db: Kysely<unknown>): Promise<void> {
  let after = 0
  for (;;) {
    const { rows } = await sql<{ id: number; label: string }>`
      select id, label from object where id > ${after} order by id limit 1000`.execute(db)
    if (rows.length === 0) return
    for (const row of rows) {
      await sql`update object set label_ci = ${row.label.toLowerCase()} where id = ${row.id}`.execute(db)
    }
    after = Number(rows[rows.length - 1]!.id)
  }
}

async function tryTrigramIndex(db: Kysely<unknown>): Promise<void> {
  // Inside the migration's transaction a failed statement aborts the transaction: fence it with a savepoint.
  const fenced = db.isTransaction
  if (fenced) await sql`savepoint aql_trigram`.execute(db)
  try {
    await sql`create extension if not exists pg_trgm`.execute(db)
    await sql`create index object_label_trgm_idx on object using gin (label_ci gin_trgm_ops)`.execute(db)
    if (fenced) await sql`release savepoint aql_trigram`.execute(db)
  } catch {
    if (fenced) await sql`rollback to savepoint aql_trigram`.execute(db)
  }
}
