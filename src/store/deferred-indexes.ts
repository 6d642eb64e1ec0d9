import { sql } from 'kysely'
import type { Db } from './create-store.js'

/** A B-tree of `object` dropped for the load: how to make it again. */
interface Dropped {
  /** `alter table … add constraint …` for a constraint's index (the unique keys), `create index …` otherwise. */
  create: string
}

/**
 * PostgreSQL: an import into an empty `object` table writes its rows without the table's secondary B-trees (the
 * unique key and identity constraints, the type + label index) and builds them once, from the rows, in the same
 * transaction — before anything in it reads through them, and before its commit. At 1,000,000 objects the server
 * spent 21.6–30.8 µs of CPU per object copying rows into `object` with every index, 10.0–10.5 without the B-trees,
 * and 3.8–5.8 building the three afterwards (docs/benchmarks.md, issue 11 eighth pass). The trigram GIN stays:
 * building it cost about what its upkeep costs here (3.2–4.7 against ~5.5 µs) and, on labels less regular than the
 * benchmark's, several times more (decision 0012).
 *
 * Dropping an index locks the table ACCESS EXCLUSIVE until the commit: every other reader and writer of `object`, in
 * every workspace, waits for the import. That is only done while the table is empty — there is nothing for them to
 * read yet — and as the import transaction's first statement, taken with NOWAIT: a transaction already using the
 * table (an API read, another import) makes this one load with its indexes, as always. Another import cannot
 * deadlock with it (its own first statement waits for the table before it holds any other lock); an object API
 * write that locked its schema's key counter before it waits for the table can, and PostgreSQL then aborts one.
 */
export class DeferredObjectIndexes {
  #dropped: Dropped[] = []

  /**
   * The import transaction's first statement on `object` (it takes ACCESS SHARE when the table has rows, which the
   * transaction keeps until its end, as any other read of the table would): drops the secondary B-trees when the
   * table is empty and no other transaction holds a lock on it.
   */
  async begin(db: Db): Promise<void> {
    if ((await sql`select 1 from object limit 1`.execute(db)).rows.length > 0) return
    await sql`savepoint intake_deferred_indexes`.execute(db)
    try {
      await sql`lock table object in access exclusive mode nowait`.execute(db)
    } catch {
      // Rolling back to the savepoint ends the failed statement's effects; the transaction goes on.
      await sql`rollback to savepoint intake_deferred_indexes`.execute(db)
      return
    }
    await sql`release savepoint intake_deferred_indexes`.execute(db)
    // Found in the catalog, not named here: what is built again is exactly what the migrations made.
    const { rows } = await sql<{ name: string; def: string; conname: string | null; condef: string | null }>`
      select ic.relname as name, pg_get_indexdef(i.indexrelid) as def, c.conname,
        pg_get_constraintdef(c.oid) as condef
      from pg_index i
      join pg_class ic on ic.oid = i.indexrelid
      join pg_am am on am.oid = ic.relam
      left join pg_constraint c on c.conindid = i.indexrelid and c.conrelid = i.indrelid
      where i.indrelid = 'object'::regclass and not i.indisprimary and am.amname = 'btree'
      order by ic.relname`.execute(db)
    for (const r of rows) {
      if (r.conname !== null) {
        await sql`alter table object drop constraint ${sql.id(r.conname)}`.execute(db)
        this.#dropped.push({ create: `alter table object add constraint "${r.conname}" ${r.condef}` })
      } else {
        await sql`drop index ${sql.id(r.name)}`.execute(db)
        this.#dropped.push({ create: r.def })
      }
    }
  }

  /** Builds what begin dropped (once; a unique key the rows break fails the statement, and the execution). */
  async build(db: Db): Promise<void> {
    if (this.#dropped.length === 0) return
    const dropped = this.#dropped
    this.#dropped = []
    for (const d of dropped) await sql.raw(d.create).execute(db)
  }
}
