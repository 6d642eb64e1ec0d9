import { sql, type Kysely } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * SQLite only: the object table's three foreign keys (to workspace, object_schema and object_type) become
 * `deferrable initially deferred` — checked when the transaction commits instead of at the end of each statement.
 * What they guarantee does not change: a transaction that leaves an object without its workspace, schema or type
 * fails at its commit and leaves nothing, and deleting a workspace still deletes its objects (a key's action is
 * never deferred).
 *
 * Why: a statement that may write several rows and may fail half-way keeps a statement journal — a copy of every
 * page it changes that existed before it — so that it can undo its own rows. SQLite decides that when it compiles
 * the statement: an immediate foreign key marks every multi-row insert into the table as one that may fail half-way,
 * whatever its `or fail`. The import engine inserts objects 64 rows per statement (store/bulk.ts), and each such
 * statement wrote ~37 pages to the journal (a temporary file): 0.5 µs of CPU per object of the 5.6 its insert cost
 * (docs/benchmarks.md, issue 11 seventh pass). With the keys deferred and the engine's inserts `or fail` (a failed
 * import rolls its whole transaction back: no statement needs undoing on its own), no journal is written.
 *
 * SQLite cannot alter a key: the table is rebuilt with the same columns (its stored definition, with the three key
 * clauses changed), rows, ids and AUTOINCREMENT sequence, indexes, and the triggers that name it. Foreign keys are
 * off meanwhile, so that dropping the old table deletes nothing that refers to it (object_history).
 */
export async function up(db: Kysely<unknown>, caps: DialectCapabilities): Promise<void> {
  if (caps.dialect !== 'sqlite') return
  const table = await sql<{
    sql: string
  }>`select sql from sqlite_master where type = 'table' and name = 'object'`.execute(db)
  const definition = table.rows[0]!.sql
  let keys = 0
  const deferred = definition
    .replace(
      /references "(workspace|object_schema|object_type)" \("id"\)( on delete cascade)?/g,
      (clause) => {
        keys++
        return `${clause} deferrable initially deferred`
      },
    )
    .replace(/^CREATE TABLE "object"/, 'CREATE TABLE "object_0028"')
  if (keys !== 3 || !deferred.startsWith('CREATE TABLE "object_0028"'))
    throw new Error(`migration 0028: unexpected definition of table object: ${definition}`)
  // Every index of the table (the unique constraints' indexes come with the definition) and every trigger whose body
  // names it (SQLite checks them when the new table is renamed, while no table of that name exists).
  const indexes = await sql<{ sql: string }>`select sql from sqlite_master
    where type = 'index' and tbl_name = 'object' and sql is not null order by name`.execute(db)
  const triggers = (
    await sql<{ name: string; sql: string }>`select name, sql from sqlite_master
      where type = 'trigger' order by name`.execute(db)
  ).rows.filter((t) => /\bobject\b/.test(t.sql))

  await sql`pragma foreign_keys = off`.execute(db)
  try {
    await sql`begin immediate`.execute(db)
    try {
      await sql.raw(deferred).execute(db)
      await sql`insert into object_0028 select * from object order by id`.execute(db)
      // The sequence may be above the largest id (the last objects deleted): ids are never used twice.
      const sequence = await sql<{
        seq: number
      }>`select seq from sqlite_sequence where name = 'object'`.execute(db)
      for (const t of triggers) await sql`drop trigger ${sql.id(t.name)}`.execute(db)
      await sql`drop table object`.execute(db)
      await sql`alter table object_0028 rename to object`.execute(db)
      if (sequence.rows.length) {
        // The copy's own row (renamed with it) exists when it received rows: the larger of the two stays.
        const seq = sequence.rows[0]!.seq
        const copied =
          await sql`update sqlite_sequence set seq = max(seq, ${seq}) where name = 'object'`.execute(db)
        if (!copied.numAffectedRows)
          await sql`insert into sqlite_sequence (name, seq) values ('object', ${seq})`.execute(db)
      }
      for (const i of indexes.rows) await sql.raw(i.sql).execute(db)
      for (const t of triggers) await sql.raw(t.sql).execute(db)
      const broken = await sql`select 1 from pragma_foreign_key_check('object') limit 1`.execute(db)
      if (broken.rows.length)
        throw new Error('migration 0028: objects without their workspace, schema or type')
      await sql`commit`.execute(db)
    } catch (error) {
      await sql`rollback`.execute(db)
      throw error
    }
  } finally {
    await sql`pragma foreign_keys = on`.execute(db)
  }
}
