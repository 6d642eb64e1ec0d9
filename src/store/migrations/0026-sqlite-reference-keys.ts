import { sql, type Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * SQLite only (PostgreSQL did the same in 0023): `object_reference` loses its three foreign keys — to the object, its
 * target and the attribute. SQLite checked them with a b-tree probe per inserted row: inserting the import's
 * reference rows in the engine's order cost 1.1 µs of CPU per row with them and 0.6 µs without (100,000 rows, `sqlite3`
 * shell, page cache a tenth of the data as at a million objects). What they guaranteed stays, as on PostgreSQL
 * (store/repositories/object-integrity.repository.ts):
 *
 * - deleting objects deletes their references in both directions (object API, engine REMOVE, revert), deleting
 *   attributes and types deletes the attributes' references: the store's delete paths do it, on both databases;
 * - a reference's target exists: the object API checks its targets before it writes; the engine writes only targets
 *   it read in its own transaction (SQLite has one writer at a time);
 * - deleting a workspace deletes the references of its objects: a trigger before the delete (the objects then go
 *   with the workspace by their own key's cascade).
 *
 * The table is rebuilt (SQLite cannot drop a foreign key): same columns, primary key and index.
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  if (caps.dialect !== 'sqlite') return
  await sql`create table object_reference_0026 (
    object_id integer not null,
    attribute_id integer not null,
    position integer not null,
    target_object_id integer not null,
    constraint object_reference_pk primary key (object_id, attribute_id, position))`.execute(db)
  await sql`insert into object_reference_0026 (object_id, attribute_id, position, target_object_id)
    select object_id, attribute_id, position, target_object_id from object_reference
    order by object_id, attribute_id, position`.execute(db)
  await sql`drop table object_reference`.execute(db)
  await sql`alter table object_reference_0026 rename to object_reference`.execute(db)
  await sql`create index object_reference_target_idx on object_reference (target_object_id, attribute_id)`.execute(
    db,
  )
  await sql`create trigger workspace_delete_references before delete on workspace
    begin
      delete from object_reference where object_id in (select id from object where workspace_id = old.id);
      delete from object_reference where target_object_id in (select id from object where workspace_id = old.id);
    end`.execute(db)
}
