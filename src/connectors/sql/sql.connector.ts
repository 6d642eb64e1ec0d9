import type { Connector, ReadState, RecordBatch, SourceSchema } from '../connector.js'
import { FieldCollector } from '../discovery.js'
import { sqlDriver } from './drivers.js'
import {
  detailOf,
  type SqlDriver,
  type SqlFailure,
  type SqlFailureCode,
  type SqlRow,
  type SqlSession,
} from './sql-driver.js'
import { SqlSourceError } from './sql-errors.js'
import { sqlConfigProblems, SqlConfigSchema, type SqlConfig, type SqlRoot } from './sql.config.js'
import { isLater, rowValue, type Watermark } from './sql-values.js'

/** What each failure means for the user: what to check. */
const ADVICE: Record<SqlFailureCode, string> = {
  HOST_UNREACHABLE: 'check host and port, and that the server accepts connections from Intake',
  AUTH_FAILED: 'check user and password',
  DATABASE_NOT_FOUND: 'check the database name',
  PERMISSION_DENIED: 'grant the user SELECT on it',
  TABLE_NOT_FOUND: 'check the table name (schema-qualified where needed) or the query',
  COLUMN_NOT_FOUND: 'check the column names of the query and the incremental column',
  QUERY_INVALID: 'check the query',
  TLS_FAILED:
    'check the TLS settings (tls.enabled, tls.ca, tls.rejectUnauthorized) and the server certificate',
  CONNECTION_LOST:
    'the server closed the connection (restarted, or the connection was ended); start the import again',
  TIMEOUT: 'the server took too long to answer',
  DATABASE_ERROR: 'see the database’s message',
}

const WHAT: Record<SqlFailureCode, string> = {
  HOST_UNREACHABLE: 'The database server does not answer',
  AUTH_FAILED: 'The database server refused the credentials',
  DATABASE_NOT_FOUND: 'The database does not exist or cannot be opened',
  PERMISSION_DENIED: 'The user may not read this',
  TABLE_NOT_FOUND: 'The table does not exist',
  COLUMN_NOT_FOUND: 'A column does not exist',
  QUERY_INVALID: 'The query does not run',
  TLS_FAILED: 'The TLS connection failed',
  CONNECTION_LOST: 'The connection to the database was lost',
  TIMEOUT: 'The database did not answer in time',
  DATABASE_ERROR: 'The database answered with an error',
}

/** A failure as a SqlSourceError whose message says where, what and what to do. */
function failure(
  driver: SqlDriver,
  config: SqlConfig,
  error: unknown,
  at: { root?: string; rowsRead?: number } = {},
): Error {
  if (SqlSourceError.is(error)) return error
  if (error instanceof Error && error.name === 'AbortError') return error
  const found: SqlFailure = driver.classify(error) ?? { code: 'DATABASE_ERROR', detail: detailOf(error) }
  const where =
    at.root === undefined ? '' : ` (root "${at.root}"${at.rowsRead ? ` after ${at.rowsRead} rows` : ''})`
  const reason = `${WHAT[found.code]} at ${driver.describe(config)}${where}: ${found.detail}; ${ADVICE[found.code]}`
  return SqlSourceError({ code: found.code, reason, ...at }, { cause: error })
}

/** The SELECT of a root: its table, or its query as a derived table. */
function baseSql(driver: SqlDriver, root: SqlRoot): string {
  if (root.table !== undefined) return `select * from ${driver.quoteName(root.table)}`
  return `select * from (${root.query!.trim().replace(/;\s*$/, '')}) intake_q`
}

/** The read of a root: everything, or (incremental, with a mark) the rows at or after the mark. */
function readSql(
  driver: SqlDriver,
  root: SqlRoot,
  mark: Watermark | undefined,
): { sql: string; params: unknown[] } {
  const base = baseSql(driver, root)
  if (root.incremental === undefined || mark === undefined) return { sql: base, params: [] }
  const column = driver.quoteName(root.incremental.column)
  // `>=`, not `>`: rows written in the same instant as the mark after the last read are read again (as
  // unchanged objects) instead of being missed.
  return {
    sql: `select * from (${base}) intake_w where intake_w.${column} >= ${driver.param(1)}`,
    params: [mark.value],
  }
}

async function open(
  config: SqlConfig,
  signal: AbortSignal,
): Promise<{ driver: SqlDriver; session: SqlSession }> {
  const driver = await sqlDriver(config.driver)
  try {
    return { driver, session: await driver.connect(config, signal) }
  } catch (error) {
    throw failure(driver, config, error)
  }
}

/** The marks of `since` that still apply: same root, same column. */
function marksOf(config: SqlConfig, since: ReadState | undefined): Map<string, Watermark> {
  const marks = new Map<string, Watermark>()
  const stored = (since?.roots ?? {}) as Record<string, Watermark | undefined>
  for (const [name, root] of Object.entries(config.roots)) {
    const mark = stored[name]
    if (root.incremental !== undefined && mark?.column === root.incremental.column) marks.set(name, mark)
  }
  return marks
}

async function testSql(config: SqlConfig, signal: AbortSignal) {
  let opened
  try {
    opened = await open(config, signal)
  } catch (error) {
    if (!SqlSourceError.is(error)) throw error
    return { ok: false as const, code: error.details.code, message: error.message }
  }
  const { driver, session } = opened
  try {
    for (const [name, root] of Object.entries(config.roots)) {
      const column = root.incremental ? `intake_t.${driver.quoteName(root.incremental.column)}` : '*'
      try {
        await session.query(`select ${column} from (${baseSql(driver, root)}) intake_t where 1 = 0`, [])
      } catch (error) {
        const failed = failure(driver, config, error, { root: name })
        if (!SqlSourceError.is(failed)) throw failed
        return { ok: false as const, code: failed.details.code, message: failed.message }
      }
    }
    return { ok: true as const }
  } finally {
    await session.close()
  }
}

async function discoverSql(
  config: SqlConfig,
  options: { sampleSize: number; signal: AbortSignal },
): Promise<SourceSchema> {
  const { driver, session } = await open(config, options.signal)
  const roots: SourceSchema['roots'] = []
  try {
    for (const [name, root] of Object.entries(config.roots)) {
      let sample
      try {
        const limit = Math.max(1, Math.floor(options.sampleSize))
        sample = await session.query(`select * from (${baseSql(driver, root)}) intake_s limit ${limit}`, [])
      } catch (error) {
        throw failure(driver, config, error, { root: name })
      }
      const collector = new FieldCollector(name)
      for (const row of sample.rows) collector.add(entryOf(row))
      const [own, ...nested] = collector.roots()
      // Columns in the table's order; a column never filled in the sample is still one (text, all empty).
      const found = new Map(own!.fields.map((f) => [f.name, f]))
      const byColumn = sample.columns.flatMap((column) => {
        const direct = found.get(column)
        if (direct) return [direct]
        const dotted = own!.fields.filter((f) => f.name.startsWith(`${column}.`))
        if (dotted.length > 0) return dotted
        return [
          { name: column, type: 'text' as const, samples: [], empty: collector.entries, multiple: false },
        ]
      })
      roots.push({ name, fields: byColumn, sampledEntries: collector.entries }, ...nested)
    }
  } finally {
    await session.close()
  }
  return { roots }
}

/** A row as an entry: values the engine reads (dates as ISO text, bytes as base64, big numbers as text). */
function entryOf(row: SqlRow): Record<string, unknown> {
  const entry: Record<string, unknown> = {}
  for (const key in row) entry[key] = rowValue(row[key])
  return entry
}

async function* readSqlSource(
  config: SqlConfig,
  options: { batchSize: number; signal: AbortSignal; since?: ReadState },
): AsyncIterable<RecordBatch> {
  const { driver, session } = await open(config, options.signal)
  const marks = marksOf(config, options.since)
  const state: Record<string, Watermark> = Object.fromEntries(marks)
  try {
    for (const [name, root] of Object.entries(config.roots)) {
      const { sql, params } = readSql(driver, root, marks.get(name))
      const column = root.incremental?.column
      let read = 0
      try {
        for await (const rows of session.stream(
          sql,
          params,
          Math.max(1, options.batchSize),
          options.signal,
        )) {
          if (column !== undefined) {
            let mark = state[name]
            for (const row of rows) {
              const value = row[column]
              if (value !== null && value !== undefined && (mark === undefined || isLater(value, mark.value)))
                mark = { column, value: markValue(value) }
            }
            if (mark !== undefined) state[name] = mark
          }
          read += rows.length
          yield {
            data: { [name]: rows.map(entryOf) },
            problems: [],
            cursor: `${name}:${read}`,
            ...(Object.keys(state).length > 0 && { readState: { roots: { ...state } } }),
          }
        }
      } catch (error) {
        throw failure(driver, config, error, { root: name, rowsRead: read })
      }
    }
  } finally {
    await session.close()
  }
}

/** A mark as stored (JSON): dates as ISO text, big integers as text. */
function markValue(value: unknown): Watermark['value'] {
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'number' || typeof value === 'string') return value
  return String(value)
}

/**
 * Database sources (PostgreSQL, MySQL / MariaDB, SQLite): one selector root per configured table or query, read in
 * batches through the driver's cursor; incremental reads by a high-water-mark column. docs/sources.md.
 */
export const sqlConnector: Connector<SqlConfig> = {
  type: 'sql',
  version: 1,
  origin: 'connection',
  tabular: false,
  secretFields: ['password', 'url'],
  serverFiles: (config) => (config.driver === 'sqlite' ? ['database'] : []),
  configSchema: SqlConfigSchema,
  configProblems: sqlConfigProblems,
  testConnection: testSql,
  discoverSchema: discoverSql,
  read: (config, options) => readSqlSource(config, options),
}
