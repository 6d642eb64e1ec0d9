import { sql, type Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * The engine's dirty marks in a table of their own: `object_mark` holds the ids of objects whose entries the next
 * import must map and resolve again (an unresolved or ambiguous reference, a removed target, a reference kept by
 * precedence, a revert). Until now a mark appended `!` to the object's `content_hash`: a rewrite of the whole row
 * with an entry in each of its indexes (five on PostgreSQL, the trigram GIN among them) per mark — ~2 µs per entry
 * of a 10 % re-import on PostgreSQL at a million objects (docs/benchmarks.md, issue 11 tenth pass, post2). A mark is
 * now one small row; the engine reads it back as the `!` it was (import-write.repository.ts), so what decides an
 * entry does not change, and deletes it when it writes the object's hash again.
 *
 * Each mark carries its object's type, indexed, so that a run reads the marks of the type it imports
 * (markedOwned), not every mark in the database. No foreign key: the object API deletes the mark with its object
 * (object.repository.ts) and the engine deletes the marks of the objects it removes. Hashes marked the old way (`…!`) keep working as marks: they
 * equal no entry's hash, and are overwritten by the next write of the object.
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  if (caps.dialect === 'postgres')
    await sql`create table object_mark (object_id bigint primary key, object_type_id bigint not null)`.execute(
      db,
    )
  else
    await sql`create table object_mark (object_id integer primary key, object_type_id integer not null)`.execute(
      db,
    )
  await sql`create index object_mark_type_idx on object_mark (object_type_id, object_id)`.execute(db)
}
