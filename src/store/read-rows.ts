import type SqliteDatabase from 'better-sqlite3'
import type pg from 'pg'

/**
 * A read-only statement run on a bulk transaction's own connection, its rows as arrays of the selected columns in
 * order: no object with named properties per row, which cost more than the index probe itself for the import's
 * lookups by identity (better-sqlite3 builds each row object in native code, ~0.6 µs a row of five columns, and
 * Kysely's query compilation and the driver's queue sit around every statement). The SQL is the dialect's own
 * (`?` on SQLite, `$1` on PostgreSQL).
 */
export type ReadRows = (sql: string, parameters: readonly unknown[]) => Promise<unknown[][]>

/** Raw-mode statements prepared once per SQL text on the transaction's connection. */
export function sqliteReadRows(handle: SqliteDatabase.Database): ReadRows {
  const statements = new Map<string, SqliteDatabase.Statement>()
  return async (sql, parameters) => {
    let statement = statements.get(sql)
    if (!statement) {
      statement = handle.prepare(sql)
      if (!statement.reader) throw new Error('readRows runs statements that return rows only')
      statements.set(sql, statement.raw(true))
    }
    // Synchronous: nothing else runs on the connection between the transaction's awaits but the transaction.
    return statement.all(parameters as unknown[]) as unknown[][]
  }
}

/** The transaction's client, rows as arrays. */
export function postgresReadRows(client: pg.PoolClient): ReadRows {
  return async (sql, parameters) =>
    (await client.query<unknown[]>({ text: sql, values: parameters as unknown[], rowMode: 'array' })).rows
}
