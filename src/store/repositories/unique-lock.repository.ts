import { PostgresAdapter, sql } from 'kysely'
import type { Db } from '../create-store.js'

/**
 * The key space of the advisory locks below ('UNQ'): the first of the two 32-bit keys, the attribute id the second.
 * No other part of Intake takes advisory locks; a collision with another application's would only serialize more.
 */
const UNIQUE_ATTRIBUTE_LOCKS = 0x554e51

/**
 * Writers of a unique attribute's values check them against committed rows, then write: on PostgreSQL two
 * concurrent writers (two executions, an execution and the object API, two API requests) each saw the other's value
 * as free and both stored it (decision 0011, origin 3). Each writer now holds a transaction-scoped advisory lock per
 * unique attribute it writes, taken before its first check and kept until it commits or rolls back, so that the
 * second writer's check runs after the first's values are committed, and sees them.
 *
 * Taken in attribute id order, before any other lock the writer takes (the engine at the start of its transaction,
 * the object API before its checks), so two writers cannot wait on each other. SQLite needs none: one writer at a
 * time.
 */
export const uniqueLockRepository = {
  lockAttributes: async (db: Db, attributeIds: Iterable<number>): Promise<void> => {
    if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
    const ids = [...new Set(attributeIds)].sort((a, b) => a - b)
    // One statement per lock keeps the order: a set-returning call may take them in any order.
    for (const id of ids)
      await sql`select pg_advisory_xact_lock(${UNIQUE_ATTRIBUTE_LOCKS}::integer, (${id}::bigint % 2147483647)::integer)`.execute(
        db,
      )
  },
}
