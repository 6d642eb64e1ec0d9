import type SqliteDatabase from 'better-sqlite3'
import {
  CompiledQuery,
  SelectQueryNode,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely'

/** How long a write waits for another connection's write lock before it fails with DATABASE_BUSY. */
export const SQLITE_LOCK_WAIT_MS = 30_000

const isBusy = (error: unknown): boolean =>
  typeof (error as { code?: unknown })?.code === 'string' &&
  (error as { code: string }).code.startsWith('SQLITE_BUSY')

/** A FIFO async mutex: one user of the connection at a time (a transaction spans awaits). */
class Mutex {
  #tail: Promise<void> = Promise.resolve()
  #release: (() => void) | null = null

  async lock(): Promise<void> {
    const previous = this.#tail
    let release!: () => void
    this.#tail = new Promise<void>((resolve) => (release = resolve))
    await previous
    this.#release = release
  }

  unlock(): void {
    const release = this.#release
    this.#release = null
    release?.()
  }
}

/**
 * SQLite allows one writer. better-sqlite3's busy_timeout waits for the lock synchronously: the whole process stops,
 * and when the lock is held by another connection of this same process (the engine's, during an import) it can
 * never be released during the wait. This driver sets busy_timeout to 0 and waits asynchronously instead, retrying
 * with a short backoff, so the event loop — status polls, cancels, other requests — keeps running while a write
 * waits for an import to commit.
 *
 * While it waits it also lets go of its connection, so that other queries of this process (an import reading its
 * chunks through this connection, say) are never stuck behind a write that waits for that import. Transactions
 * begin IMMEDIATE: they take the write lock at BEGIN, where waiting is safe, and never meet it half-way after their
 * reads, where a retry could not help. Statements outside a transaction are retried as they are.
 */
class PatientSqliteDriver implements Driver {
  readonly #mutex = new Mutex()
  readonly #connection: DatabaseConnection
  /** Kysely's driver, for the savepoint statements (it only sends them through the connection it is given). */
  readonly #inner: SqliteDriver

  constructor(
    private readonly handle: SqliteDatabase.Database,
    private readonly waitMs: number,
  ) {
    this.#inner = new SqliteDriver({ database: handle })
    const patiently = this.#patiently.bind(this)
    this.#connection = {
      executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> =>
        patiently(() => execute<R>(handle, query)),
      streamQuery: <R>(query: CompiledQuery) => stream<R>(handle, query),
    }
  }

  async init(): Promise<void> {
    this.handle.pragma('busy_timeout = 0')
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock()
    return this.#connection
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  savepoint: Driver['savepoint'] = (connection, name, compile) =>
    this.#inner.savepoint(connection, name, compile)
  rollbackToSavepoint: Driver['rollbackToSavepoint'] = (connection, name, compile) =>
    this.#inner.rollbackToSavepoint(connection, name, compile)
  releaseSavepoint: Driver['releaseSavepoint'] = (connection, name, compile) =>
    this.#inner.releaseSavepoint(connection, name, compile)

  async releaseConnection(): Promise<void> {
    this.#mutex.unlock()
  }

  async destroy(): Promise<void> {
    this.handle.close()
  }

  /**
   * Runs `run`; while it meets another connection's write lock (and no transaction of ours is open), lets go of the
   * connection, waits a little and tries again, up to the deadline.
   */
  async #patiently<T>(run: () => T): Promise<T> {
    const deadline = Date.now() + this.waitMs
    for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
      try {
        return run()
      } catch (error) {
        if (!isBusy(error) || this.handle.inTransaction || Date.now() + delay > deadline) throw error
        this.#mutex.unlock()
        await new Promise((resolve) => setTimeout(resolve, delay))
        await this.#mutex.lock()
      }
    }
  }
}

/** Prepared statements kept per database handle, least recently used dropped first. */
const STATEMENT_CACHE_SIZE = 256
const statementCaches = new WeakMap<SqliteDatabase.Database, Map<string, SqliteDatabase.Statement>>()

/** The handle's prepared statement for `sql`: preparing costs as much as running a simple lookup. */
function prepared(handle: SqliteDatabase.Database, sql: string): SqliteDatabase.Statement {
  let cache = statementCaches.get(handle)
  if (!cache) statementCaches.set(handle, (cache = new Map()))
  let statement = cache.get(sql)
  if (statement) cache.delete(sql)
  else {
    statement = handle.prepare(sql)
    if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!)
  }
  cache.set(sql, statement)
  return statement
}

function execute<R>(handle: SqliteDatabase.Database, query: CompiledQuery): QueryResult<R> {
  const statement = prepared(handle, query.sql)
  const parameters = query.parameters as unknown[]
  if (statement.reader) return { rows: statement.all(parameters) as R[] }
  const { changes, lastInsertRowid } = statement.run(parameters)
  return {
    numAffectedRows: BigInt(changes),
    insertId: BigInt(lastInsertRowid),
    rows: [],
  }
}

/**
 * Store.readNow on SQLite: runs a read-only statement synchronously on the handle, skipping the driver's queue (a
 * promise, a mutex and Kysely's connection provider per query), with rows as arrays. Only outside a transaction:
 * one open on this connection (a transaction spans awaits) holds uncommitted rows that a read through the driver
 * would wait for. A busy database (rare for a WAL read) is left to the driver, which waits for it.
 */
export function sqliteReadNow(
  handle: SqliteDatabase.Database,
): (sql: string, parameters: readonly unknown[]) => unknown[][] | undefined {
  // Separate from the driver's statement cache: raw mode is a setting of the statement.
  const statements = new Map<string, SqliteDatabase.Statement>()
  return (sql, parameters) => {
    if (handle.inTransaction) return undefined
    let statement = statements.get(sql)
    if (!statement) {
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear()
      statement = handle.prepare(sql)
      if (!statement.readonly || !statement.reader) throw new Error('readNow runs read-only queries only')
      statements.set(sql, statement.raw(true))
    }
    try {
      return statement.all(parameters as unknown[]) as unknown[][]
    } catch (error) {
      if (isBusy(error)) return undefined
      throw error
    }
  }
}

async function* stream<R>(
  handle: SqliteDatabase.Database,
  query: CompiledQuery,
): AsyncIterableIterator<QueryResult<R>> {
  if (!SelectQueryNode.is(query.query)) throw new Error('SQLite streams select queries only')
  for (const row of handle.prepare(query.sql).iterate(query.parameters as unknown[]))
    yield { rows: [row as R] }
}

/** Kysely's SQLite dialect with the patient driver (see PatientSqliteDriver). */
export class PatientSqliteDialect extends SqliteDialect {
  constructor(
    private readonly handle: SqliteDatabase.Database,
    private readonly waitMs = SQLITE_LOCK_WAIT_MS,
  ) {
    super({ database: handle })
  }

  override createDriver(): Driver {
    return new PatientSqliteDriver(this.handle, this.waitMs)
  }

  override createAdapter(): SqliteAdapter {
    return new SqliteAdapter()
  }
}
