import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../create-store.js'

/**
 * The numbers the object row holds for its workspace and import source ids (id_number, migration 0032, decision
 * 0019). A number is made the first time an id is written into an object, in the writer's transaction, and never
 * changes: a reader turns an id into its number inside its own statement (`numberOf`), and a number back into the
 * id (`idOf`), so no process keeps a copy that could go stale.
 */
export const idNumberRepository = {
  /**
   * The number of `id`, made when it has none (inside the caller's transaction: it is rolled back with it). Workspaces
   * and import sources get theirs when they are created (their repositories' insert), so that a long import never
   * holds a new id_number row another writer's insert of the same id would wait for (PostgreSQL); the import's own
   * call then only reads it.
   */
  intern: async (db: Db, id: string): Promise<number> => {
    const found = await db.selectFrom('id_number').select('no').where('id', '=', id).executeTakeFirst()
    if (found) return Number(found.no)
    await sql`insert into id_number (id) values (${id}) on conflict (id) do nothing`.execute(db)
    const r = await db.selectFrom('id_number').select('no').where('id', '=', id).executeTakeFirstOrThrow()
    return Number(r.no)
  },
}

/**
 * The number of an id as a scalar subquery (null when no object ever named the id: an equality with it matches
 * nothing). Both databases evaluate it once per statement and look it up in an index like a bound value.
 */
export const numberOf = (id: string): RawBuilder<number | null> =>
  sql<number | null>`(select no from id_number where id = ${id})`

/** The id of a number column (`o.import_source_no`) as a scalar subquery. */
export const idOf = (column: RawBuilder<unknown>): RawBuilder<string | null> =>
  sql<string | null>`(select id from id_number where no = ${column})`

/** The text of numberOf for statements written as text with numbered parameters (`$2` or `?`). */
export const NUMBER_OF = (parameter: string): string => `(select no from id_number where id = ${parameter})`

/** The columns a selection of whole object rows adds for ObjectRow: the texts of its workspace and source ids. */
export const objectIdTexts = (alias = 'object') =>
  [
    sql<string>`(select id from id_number where no = ${sql.ref(`${alias}.workspace_no`)})`.as('workspace_id'),
    idOf(sql.ref(`${alias}.import_source_no`)).as('import_source_id'),
  ] as const
