import Database from 'better-sqlite3'
import type { SqlConfig } from '../sql.config.js'
import { detailOf, type SqlDriver, type SqlFailure, type SqlRow, type SqlSession } from '../sql-driver.js'

/**
 * SQLite through `better-sqlite3`: the database file (confined to INTAKE_IMPORT_DIR by the service) opened read
 * only; a read steps its statement row by row (`iterate`), so the result is never held whole.
 */
export const sqliteDriver: SqlDriver = {
  async connect(config) {
    const db = new Database(config.database ?? '', { readonly: true, fileMustExist: true })
    // Opening is lazy: a file that is not a database fails on the first read, so read its schema now.
    try {
      db.pragma('schema_version')
    } catch (error) {
      db.close()
      throw error
    }
    return session(db)
  },
  quoteName: (name) =>
    name
      .split('.')
      .map((part) => `"${part.replace(/"/g, '""')}"`)
      .join('.'),
  param: () => '?',
  classify,
  describe: (config: SqlConfig) => config.database ?? '',
}

function session(db: Database.Database): SqlSession {
  return {
    async query(sql, params) {
      const statement = db.prepare(sql)
      const rows = statement.all(...params) as SqlRow[]
      return { columns: statement.columns().map((c) => c.name), rows }
    },
    async *stream(sql, params, size, signal) {
      const iterator = db.prepare(sql).iterate(...params) as IterableIterator<SqlRow>
      try {
        let batch: SqlRow[] = []
        for (const row of iterator) {
          batch.push(row)
          if (batch.length >= size) {
            signal.throwIfAborted()
            yield batch
            batch = []
          }
        }
        if (batch.length > 0) yield batch
      } finally {
        iterator.return?.()
      }
    },
    close: async () => {
      db.close()
    },
  }
}

function classify(error: unknown): SqlFailure | null {
  const code = (error as { code?: unknown }).code
  const detail = detailOf(error)
  if (typeof code !== 'string' || !code.startsWith('SQLITE')) return null
  if (code === 'SQLITE_CANTOPEN') return { code: 'DATABASE_NOT_FOUND', detail: 'the file cannot be opened' }
  if (code === 'SQLITE_NOTADB')
    return { code: 'DATABASE_NOT_FOUND', detail: 'the file is not a SQLite database' }
  if (/no such table/i.test(detail)) return { code: 'TABLE_NOT_FOUND', detail }
  if (/no such column/i.test(detail)) return { code: 'COLUMN_NOT_FOUND', detail }
  if (code === 'SQLITE_ERROR') return { code: 'QUERY_INVALID', detail }
  return { code: 'DATABASE_ERROR', detail: `${code}: ${detail}` }
}
