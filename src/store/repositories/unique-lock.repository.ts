import { PostgresAdapter, sql } from 'kysely'
import type { Db } from '../create-store.js'

/**
 * The key space of the advisory locks below ('UNQ'): the first of the two 32-bit keys, the attribute id the second.
 * No other part of Intake takes advisory locks; a collision with another application's would only serialize more.
 */
const UNIQUE_ATTRIBUTE_LOCKS = 0x554e51

const isPostgres = (db: Db): boolean => db.getExecutor().adapter instanceof PostgresAdapter

/**
 * Writers of a unique attribute's values check them against committed rows, then write: on PostgreSQL two
 * concurrent writers (two executions, an execution and the object API, two API requests) each saw the other's value
 * as free and both stored it (decision 0011, origin 3). Each writer now holds a transaction-scoped advisory lock per
 * unique attribute it writes, taken before its first check and kept until it commits or rolls back, so that the
 * second writer's check runs after the first's values are committed, and sees them.
 *
 * Writers also hold a *shared* lock on every other (not unique) attribute they write, and switching `unique` on takes
 * the attribute's lock exclusively before it looks for values held twice (lockForUniqueSwitch): the switch then
 * waits for the writers of the attribute that are running and sees their values, and a writer that comes after it
 * finds the flag set when it reads it again under its lock (uniqueNow) — before, a writer that had read the catalog
 * while the attribute was not yet unique wrote its values unchecked.
 *
 * Taken in attribute id order, before any other lock the writer takes (the engine at the start of its transaction,
 * the object API before its checks), so two writers cannot wait on each other. SQLite needs none: one writer at a
 * time.
 */
export const uniqueLockRepository = {
  /** `unique`: the unique attributes written (exclusive); `others`: the other attributes written (shared). */
  lockAttributes: async (db: Db, unique: Iterable<number>, others: Iterable<number> = []): Promise<void> => {
    if (!isPostgres(db)) return
    const exclusive = new Set(unique)
    const ids = [...new Set([...exclusive, ...others])].sort((a, b) => a - b)
    // One statement per lock keeps the order: a set-returning call may take them in any order.
    for (const id of ids) {
      if (exclusive.has(id))
        await sql`select pg_advisory_xact_lock(${UNIQUE_ATTRIBUTE_LOCKS}::integer, (${id}::bigint % 2147483647)::integer)`.execute(
          db,
        )
      else
        await sql`select pg_advisory_xact_lock_shared(${UNIQUE_ATTRIBUTE_LOCKS}::integer, (${id}::bigint % 2147483647)::integer)`.execute(
          db,
        )
    }
  },

  /**
   * Before switching `unique` on for these attributes: waits for the transactions writing their values and keeps new
   * ones out until this transaction ends. Taken before anything else the switching transaction writes.
   */
  lockForUniqueSwitch: (db: Db, attributeIds: Iterable<number>): Promise<void> =>
    uniqueLockRepository.lockAttributes(db, attributeIds),

  /** Which of these attributes are unique as committed now (read again by a writer once it holds its locks). */
  uniqueNow: async (db: Db, attributeIds: readonly number[]): Promise<Set<number>> => {
    if (attributeIds.length === 0) return new Set()
    const rows = await db
      .selectFrom('attribute')
      .select('id')
      .where('id', 'in', attributeIds)
      .where('is_unique', '=', 1)
      .execute()
    return new Set(rows.map((r) => Number(r.id)))
  },
}
