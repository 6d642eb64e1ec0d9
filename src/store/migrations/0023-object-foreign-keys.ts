import { sql, type Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * PostgreSQL checks a foreign key with one query per written row (a lookup of the parent row and a KEY SHARE lock
 * on it): measured on the import's rows, `object_reference` cost the server ~14 µs per row with its three keys and
 * ~1.7 µs without them, and `object` ~26 µs with its keys to workspace, schema and type against ~15 µs without.
 * The store keeps what they guaranteed itself (store/repositories/object-integrity.repository.ts):
 *
 * - `object_reference` → object (both ends) and → attribute, all ON DELETE CASCADE: every path that deletes objects
 *   (object API, engine REMOVE, revert) deletes their references in both directions with them; deleting attributes
 *   and types deletes the attributes' references; writers of references hold a KEY SHARE lock on targets that other
 *   transactions created (once per target and statement, not per row), so that a concurrent delete of a target
 *   waits and then deletes the new reference too.
 * - `object` → object_schema: implied by the key to the type (a type's schema is the object's schema, and a type
 *   cannot outlive its schema).
 * - `object` → object_type (no action): whoever inserts objects holds a KEY SHARE lock on their types' rows until
 *   its commit, taken once per type and transaction — not once per row; deleting a type or schema locks their rows
 *   FOR UPDATE before it counts their objects. Either the delete waits and then sees the new objects (and refuses),
 *   or the insert waits and then finds the type gone (FOREIGN_KEY_VIOLATION, as before).
 *
 * `object` → workspace stays (deleting a workspace deletes its objects). SQLite keeps its keys: dropping one means
 * rebuilding the table, and its checks are index probes within the process, not statements.
 *
 * `intake_fold` is already `immutable strict parallel safe` (0017): nothing to declare here.
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  if (caps.dialect !== 'postgres') return
  // Found by their columns, not by name: the names were chosen by PostgreSQL when 0001 created the tables.
  const { rows } = await sql<{ tbl: string; name: string }>`
    select t.relname as tbl, c.conname as name
    from pg_constraint c join pg_class t on t.oid = c.conrelid
    where c.contype = 'f'
      and (c.conrelid = 'object_reference'::regclass
        or (c.conrelid = 'object'::regclass and c.confrelid in ('object_schema'::regclass, 'object_type'::regclass)))
    order by 1, 2`.execute(db)
  for (const r of rows)
    await sql`alter table ${sql.table(r.tbl)} drop constraint ${sql.id(r.name)}`.execute(db)
}
