import { sql, type Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * PostgreSQL: `object` loses its last foreign key, to `workspace` (0023 dropped those to schema and type). The key
 * was checked with one query per inserted row — a lookup of the workspace row and a KEY SHARE lock on it: inserting
 * 100,000 import rows into an empty `object` cost the server 22 µs of CPU per row with it and 18 µs without it
 * (measured with the engine's own rows, three runs each; bench/engine/pg-statements.ts shows where the rest goes).
 * What it guaranteed stays:
 *
 * - an object's workspace exists: every writer of objects holds a KEY SHARE lock on the object's type until its
 *   commit (object-integrity.repository.ts, shareTypes), and a type belongs to its object's workspace and is deleted
 *   with it (its own key to `workspace` cascades), so a workspace being deleted either waits for the writer or the
 *   writer finds the type gone;
 * - deleting a workspace deletes its objects: a trigger on `workspace` deletes them, with their references in both
 *   directions (object_reference has no keys since 0023). It is named to fire after the foreign-key triggers of the
 *   same delete (PostgreSQL fires a row's triggers in name order, and "RI_ConstraintTrigger…" sorts first): the
 *   cascade to the workspace's types waits for every writer holding one of them, so the objects those writers
 *   committed are there when the trigger's statements take their snapshots.
 *
 * Nothing in Intake deletes a workspace; the trigger keeps a manual `delete from workspace` as complete as the key
 * made it. SQLite keeps its keys (see 0023).
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  if (caps.dialect !== 'postgres') return
  // Found by its columns, not by name: the name was chosen by PostgreSQL when 0001 created the table.
  const { rows } = await sql<{ name: string }>`select c.conname as name from pg_constraint c
    where c.contype = 'f' and c.conrelid = 'object'::regclass and c.confrelid = 'workspace'::regclass`.execute(
    db,
  )
  for (const r of rows) await sql`alter table object drop constraint ${sql.id(r.name)}`.execute(db)
  await sql`create or replace function intake_delete_workspace_objects() returns trigger language plpgsql as $$
    begin
      delete from object_reference r using object o where o.workspace_id = old.id and r.object_id = o.id;
      delete from object_reference r using object o where o.workspace_id = old.id and r.target_object_id = o.id;
      delete from object where workspace_id = old.id;
      return null;
    end $$`.execute(db)
  await sql`create trigger workspace_delete_objects after delete on workspace
    for each row execute function intake_delete_workspace_objects()`.execute(db)
}
