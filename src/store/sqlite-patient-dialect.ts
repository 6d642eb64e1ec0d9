import type SqliteDatabase from 'better-sqlite3'
import {
  CompiledQuery,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type SqliteDialectConfig,
} from 'kysely'

/** How long a write waits for another connection's write lock before it fails with DATABASE_BUSY. */
export const SQLITE_LOCK_WAIT_MS = 30_000

const isBusy = (error: unknown): boolean =>
  typeof (error as { code?: unknown })?.code === 'string' &&
  (error as { code: string }).code.startsWith('SQLITE_BUSY')

/**
 * SQLite allows one writer. better-sqlite3's busy_timeout waits for the lock synchronously: the whole process stops,
 * and when the lock is held by another connection of this same process (the engine's, during an import) it can
 * never be released during the wait. This dialect sets busy_timeout to 0 and waits asynchronously instead, retrying
 * with a short backoff, so the event loop — status polls, cancels, other requests — keeps running while a write
 * waits for an import to commit.
 *
 * Transactions begin IMMEDIATE (they take the write lock at BEGIN, where waiting is safe) so that a transaction never
 * meets the lock half-way, after its reads, where a retry could not help. Statements outside a transaction are
 * retried as they are.
 */
export class PatientSqliteDialect extends SqliteDialect {
  readonly #handle: SqliteDatabase.Database
  readonly #waitMs: number

  constructor(
    config: SqliteDialectConfig & { database: SqliteDatabase.Database },
    waitMs = SQLITE_LOCK_WAIT_MS,
  ) {
    super(config)
    this.#handle = config.database
    this.#waitMs = waitMs
    this.#handle.pragma('busy_timeout = 0')
  }

  override createDriver(): Driver {
    const inner = super.createDriver()
    const handle = this.#handle
    const waitMs = this.#waitMs
    const patiently = async <T>(run: () => Promise<T>): Promise<T> => {
      const deadline = Date.now() + waitMs
      for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
        try {
          return await run()
        } catch (error) {
          if (!isBusy(error) || handle.inTransaction || Date.now() + delay > deadline) throw error
          await new Promise((resolve) => setTimeout(resolve, delay))
        }
      }
    }
    const wrap = (connection: DatabaseConnection): DatabaseConnection => ({
      executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> =>
        patiently(() => connection.executeQuery<R>(query)),
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number) =>
        connection.streamQuery<R>(query, chunkSize),
    })
    const connections = new WeakMap<DatabaseConnection, DatabaseConnection>()
    const unwrap = new WeakMap<DatabaseConnection, DatabaseConnection>()
    return {
      init: () => inner.init(),
      acquireConnection: async () => {
        const connection = await inner.acquireConnection()
        let wrapped = connections.get(connection)
        if (!wrapped) {
          wrapped = wrap(connection)
          connections.set(connection, wrapped)
          unwrap.set(wrapped, connection)
        }
        return wrapped
      },
      beginTransaction: (connection) =>
        connection.executeQuery(CompiledQuery.raw('begin immediate')).then(() => {}),
      commitTransaction: (connection, ...rest) => inner.commitTransaction(connection, ...rest),
      rollbackTransaction: (connection, ...rest) => inner.rollbackTransaction(connection, ...rest),
      savepoint: (connection, ...rest) => inner.savepoint!(connection, ...rest),
      rollbackToSavepoint: (connection, ...rest) => inner.rollbackToSavepoint!(connection, ...rest),
      releaseSavepoint: (connection, ...rest) => inner.releaseSavepoint!(connection, ...rest),
      releaseConnection: (connection) => inner.releaseConnection(unwrap.get(connection) ?? connection),
      destroy: () => inner.destroy(),
    }
  }
}
