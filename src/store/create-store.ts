import fs from 'node:fs'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, PostgresDialect, sql } from 'kysely'
import type pg from 'pg'
import { SQLITE_API_CACHE_MB, SQLITE_CACHE_MB, type DatabaseConfig } from '../config/config.js'
import { foldCase } from '../domain/aql/compare.js'
import { capabilitiesFor, type DialectCapabilities } from './capabilities.js'
import type { Database } from './tables.js'
import { postgresBulkWriter, sqliteBulkWriter, type BulkWriter } from './bulk.js'
import { loadPg } from './pg-client.js'
import { postgresReadRows, sqliteReadRows, type ReadRows } from './read-rows.js'
import { PatientSqliteDialect, sqliteReadNow } from './sqlite-patient-dialect.js'
import { sqliteCheckpointer, type Checkpointer } from './sqlite-checkpointer.js'

export type Db = Kysely<Database>

export interface BulkTransaction {
  db: Db
  bulk: BulkWriter
  /** Reads on the transaction's connection with rows as arrays (read-rows.ts). */
  readRows: ReadRows
}

export interface Store {
  readonly db: Db
  readonly caps: DialectCapabilities
  /**
   * Runs `fn` in one transaction with set-based writers bound to it (see bulk.ts). On PostgreSQL the transaction
   * owns one pooled connection, so COPY can stream into it.
   */
  bulkTransaction<T>(fn: (tx: BulkTransaction) => Promise<T>): Promise<T>
  /**
   * Runs a read-only statement at once, without waiting for the connection, when that reads exactly what going
   * through `db` would: on SQLite while no transaction is open on the connection (every row it sees is committed;
   * `db` would wait for the connection and then read the same). Rows come as arrays of the selected columns, in
   * order. Undefined when the caller must go through `db` instead: on PostgreSQL, and on SQLite inside a transaction
   * or when the database is busy.
   */
  readNow(sql: string, parameters: readonly unknown[]): unknown[][] | undefined
  /** Answers whether the database responds (readiness). */
  ping(): Promise<boolean>
  close(): Promise<void>
}

const PG_INT8 = 20
const PG_NUMERIC = 1700

/** pg returns int8 and numeric as strings; ids and counters here fit in a double, so parse them. */
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === PG_INT8 || oid === PG_NUMERIC) return (v: string) => (v === null ? null : Number(v))
    return loadPg().types.getTypeParser(oid, format as 'text')
  }) as typeof pg.types.getTypeParser,
}

/** The name of AQL's case folding in SQL (foldCase); PostgreSQL's is created by migration 0017. */
export const FOLD_FUNCTION = 'intake_fold'

/**
 * SQL functions every SQLite connection of the store has: `intake_fold(text)`, AQL's case folding (foldCase,
 * String.prototype.toLowerCase) — lower() folds ASCII only — for conditions and orders on attributes without
 * index rows, whose folded values are not stored. Deterministic, so SQLite may use it in indexes and constant-fold it.
 */
function registerSqlFunctions(sqlite: SqliteDatabase.Database): void {
  sqlite.function(FOLD_FUNCTION, { deterministic: true }, (text: unknown) =>
    typeof text === 'string' ? foldCase(text) : text,
  )
}

export interface StoreOptions {
  /** PostgreSQL: the pool's size. */
  poolSize?: number
  /**
   * What the store serves: the API's requests (SQLite: the API's page cache, INTAKE_SQLITE_API_CACHE_MB) or imports
   * and anything else (INTAKE_SQLITE_CACHE_MB). Default 'engine'.
   */
  role?: 'api' | 'engine'
  /** SQLite: what checkpoints the WAL after a bulk transaction (tests pass their own). */
  checkpointer?: (file: string) => Checkpointer
}

/**
 * The API connection checkpoints the WAL once it holds this many pages (SQLite's default is 1,000). Push chunks are
 * committed one at a time (~60 pages per 1,000 entries): every checkpoint copies the WAL into the database and syncs
 * both files on the request that triggers it, and at 1,000 pages that was about every 16th chunk — ~1.5 ms per chunk
 * of waiting on the disk. At 10,000 pages (~40 MB of WAL at most) the same pages are copied with a tenth of the syncs.
 */
const API_WAL_CHECKPOINT_PAGES = 10_000

/** SQLite's default automatic checkpoint: the other connections' (outside bulk transactions). */
const WAL_CHECKPOINT_PAGES = 1_000

/**
 * Rows a bulk transaction changes before its checkpoint is left to a thread: a smaller import's frames stay in the
 * WAL until a later commit checkpoints them, as before (starting a thread costs 30–50 ms of CPU; the automatic
 * checkpoint starts at 1,000 pages, some 10,000 of an import's rows).
 */
const BACKGROUND_CHECKPOINT_ROWS = 10_000

/** A SQLite connection's automatic checkpoint, held off by another connection's background checkpoint. */
interface AutoCheckpoint {
  suspend(): void
  resume(): void
}

/**
 * This process's SQLite connections by database file. While a bulk transaction's background checkpoint runs, the
 * automatic checkpoint of every connection to its file is off: else the next commit on another connection — the
 * job's finish on the API's connection, the first thing after an import — ran SQLite's automatic checkpoint itself,
 * on the event loop, before the thread had started, and copied the whole import into the database file (3.6 s of
 * the event loop after a 1,000,000-row push; docs/benchmarks.md, issue 11 eleventh pass, push).
 */
const connectionsByFile = new Map<string, Set<AutoCheckpoint>>()

/** The page cache of a SQLite connection of this role, in MiB. */
function sqliteCacheMb(config: DatabaseConfig, role: StoreOptions['role']): number {
  return role === 'api'
    ? (config.sqliteApiCacheMb ?? SQLITE_API_CACHE_MB)
    : (config.sqliteCacheMb ?? SQLITE_CACHE_MB)
}

export function createStore(config: DatabaseConfig, options: StoreOptions = {}): Store {
  const caps = capabilitiesFor(config.dialect)
  if (config.dialect === 'sqlite') {
    if (config.url !== ':memory:') fs.mkdirSync(path.dirname(config.url), { recursive: true })
    const sqlite = new SqliteDatabase(config.url)
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('synchronous = NORMAL')
    sqlite.pragma('foreign_keys = ON')
    // The role's page cache (SQLite's default is 2 MiB), allocated as it is used and kept: it counts in the server's
    // RSS once per connection. A miss reads the page from the operating system's file cache.
    sqlite.pragma(`cache_size = -${sqliteCacheMb(config, options.role) * 1024}`)
    const walPages = options.role === 'api' ? API_WAL_CHECKPOINT_PAGES : WAL_CHECKPOINT_PAGES
    sqlite.pragma(`wal_autocheckpoint = ${walPages}`)
    registerSqlFunctions(sqlite)
    // Waits for another connection's write lock without blocking the process (busy_timeout 0, async retries).
    const db = new Kysely<Database>({ dialect: new PatientSqliteDialect(sqlite) })
    const transaction = <T>(fn: (tx: BulkTransaction) => Promise<T>): Promise<T> =>
      db
        .transaction()
        .execute((trx) => fn({ db: trx, bulk: sqliteBulkWriter(sqlite), readRows: sqliteReadRows(sqlite) }))
    // Bulk transactions (imports) leave the WAL's checkpoint to a thread of its own (sqlite-checkpointer.ts): their
    // commit no longer copies every page they wrote into the database file.
    const checkpoints =
      config.url !== ':memory:' ? (options.checkpointer ?? sqliteCheckpointer)(config.url) : null
    let bulkOpen = 0
    let changesAtOpen = 0
    // Background checkpoints of this file (this connection's or another's) running: the automatic one is off.
    let suspended = 0
    const autoCheckpoint = (): void => {
      if (sqlite.open)
        sqlite.pragma(`wal_autocheckpoint = ${bulkOpen === 0 && suspended === 0 ? walPages : 0}`)
    }
    const self: AutoCheckpoint = {
      suspend: () => {
        suspended++
        autoCheckpoint()
      },
      resume: () => {
        suspended--
        autoCheckpoint()
      },
    }
    const peers = connectionsByFile.get(config.url) ?? new Set<AutoCheckpoint>()
    connectionsByFile.set(config.url, peers)
    peers.add(self)
    const totalChanges = sqlite.prepare('select total_changes()').pluck()
    return {
      db,
      caps,
      bulkTransaction: async (fn) => {
        if (!checkpoints) return transaction(fn)
        if (bulkOpen++ === 0) {
          autoCheckpoint()
          changesAtOpen = totalChanges.get() as number
        }
        try {
          return await transaction(fn)
        } finally {
          if (--bulkOpen === 0 && sqlite.open) {
            autoCheckpoint()
            if ((totalChanges.get() as number) - changesAtOpen >= BACKGROUND_CHECKPOINT_ROWS) {
              checkpoints.request()
              const held = [...peers]
              for (const peer of held) peer.suspend()
              void checkpoints.settled().then(() => {
                for (const peer of held) peer.resume()
              })
            }
          }
        }
      },
      readNow: sqliteReadNow(sqlite),
      ping: async () => {
        try {
          await sql`select 1`.execute(db)
          return true
        } catch {
          return false
        }
      },
      close: async () => {
        peers.delete(self)
        if (peers.size === 0) connectionsByFile.delete(config.url)
        await db.destroy()
        await checkpoints?.close()
      },
    }
  }
  const pool = new (loadPg().Pool)({
    connectionString: config.url,
    max: options.poolSize ?? 10,
    types: pgTypes,
    connectionTimeoutMillis: 5000,
  })
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined)
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  return {
    db,
    caps,
    bulkTransaction: async (fn) => {
      const client = await pool.connect()
      // A Kysely bound to this one connection: every query of the transaction, and the COPY streams, share it.
      const single = {
        connect: async () => ({ query: client.query.bind(client), release: () => undefined }),
        end: async () => undefined,
      }
      const connection = new Kysely<Database>({
        dialect: new PostgresDialect({ pool: single as unknown as pg.Pool }),
      })
      try {
        // A real Kysely transaction (isTransaction is true), so that code run inside it — the AQL compiler's
        // `set local` — never opens a transaction of its own whose COMMIT would end this one.
        return await connection.transaction().execute(async (trx) => {
          // Planner statistics do not see the rows this transaction adds, so after a few batches of a first load
          // it would still think the tables tiny and scan them whole for every lookup. The engine's statements
          // are all written for their indexes: make the planner use them.
          await sql`set local enable_seqscan = off`.execute(trx)
          // The sorted move of the value index sorts every staged row at once: in memory, not in 4 MB runs on disk.
          await sql`set local work_mem = '256MB'`.execute(trx)
          // enable_seqscan = off adds 10^10 to the cost of every scan of a stage table, which puts the statement
          // far above jit_above_cost: each move of staged rows then spent ~0.2 s compiling itself with LLVM.
          await sql`set local jit = off`.execute(trx)
          return fn({ db: trx, bulk: postgresBulkWriter(client), readRows: postgresReadRows(client) })
        })
      } finally {
        client.release()
        await connection.destroy()
      }
    },
    // Every pg query is a round trip on a pooled connection: nothing is answered at once.
    readNow: () => undefined,
    ping: async () => {
      try {
        await sql`select 1`.execute(db)
        return true
      } catch {
        return false
      }
    },
    close: () => db.destroy(),
  }
}
