import type SqliteDatabase from 'better-sqlite3'
import { sql } from 'kysely'
import type pg from 'pg'
import type { Db } from './create-store.js'
import { BinaryCopyEncoder } from './pg-binary-copy.js'
import { loadPgCopyStreams } from './pg-client.js'

/** A column of a bulk operation, with its PostgreSQL array element type. */
export interface BulkColumn {
  name: string
  pg: 'bigint' | 'integer' | 'text' | 'double precision'
}

/**
 * Set-based writes for the import engine, per dialect. On SQLite cached prepared statements (inserts: up to 64 rows
 * per statement) run on the connection that holds the caller's transaction (better-sqlite3 is synchronous and
 * Kysely's SQLite driver has one connection); on PostgreSQL one statement per 5,000 rows passes every column as an array through `unnest`.
 * Values must already be plain numbers, strings or null.
 */
export interface BulkWriter {
  insert(db: Db, table: string, columns: readonly BulkColumn[], rows: readonly unknown[][]): Promise<void>
  /**
   * Inserts groups of rows that share their leading values: each row is written as `[...prefix, ...row]` (on
   * PostgreSQL one COPY for every group), without building the joined rows.
   */
  insertGrouped(
    db: Db,
    table: string,
    columns: readonly BulkColumn[],
    groups: readonly { prefix: readonly unknown[]; rows: readonly unknown[][] }[],
  ): Promise<void>
  /** `update table set <columns[1..]> where <columns[0]> = …` for every row. */
  updateByKey(
    db: Db,
    table: string,
    columns: readonly BulkColumn[],
    rows: readonly unknown[][],
  ): Promise<void>
  /** `delete from table where (<columns>) = (…)` for every row. */
  deleteByKeys(
    db: Db,
    table: string,
    columns: readonly BulkColumn[],
    rows: readonly unknown[][],
  ): Promise<void>
}

/** The named parameters `@p0`, `@p1`, … of a row prefix (better-sqlite3 binds them from a plain object). */
function sharedValues(prefix: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (let c = 0; c < prefix.length; c++) out[`p${c}`] = prefix[c]
  return out
}

/** At most this many rows per SQLite insert statement (and at most MAX_PARAMETERS bound values). */
const SQLITE_ROWS = 64
const SQLITE_MAX_PARAMETERS = 999

export function sqliteBulkWriter(handle: SqliteDatabase.Database): BulkWriter {
  const cache = new Map<string, SqliteDatabase.Statement>()
  const statement = (text: string): SqliteDatabase.Statement => {
    let st = cache.get(text)
    if (!st) {
      st = handle.prepare(text)
      cache.set(text, st)
    }
    return st
  }
  const q = (name: string): string => `"${name}"`
  /** Bound values of a multi-row statement, one array per statement text (filled in place for every chunk). */
  const buffers = new Map<string, unknown[]>()

  /**
   * Inserts `[...prefix, ...row]` for every row: full chunks of `per` rows through one multi-row
   * `insert … values (…), (…), …` statement (one call into SQLite per chunk instead of one per row: the per-call
   * cost was most of an insert's), the rest one row at a time. The rows' values are copied into one reused array, so
   * no joined row is built; the prefix's are named parameters (`@p0`, …) that every row of the statement names,
   * bound once per statement instead of once per row (a text bound costs a UTF-8 copy and SQLite's own copy of it:
   * the object rows' seven shared values were ~0.5 µs per row, docs/benchmarks.md issue 11 eighth pass).
   */
  const insertRows = (
    table: string,
    columns: readonly BulkColumn[],
    prefix: readonly unknown[],
    rows: readonly unknown[][],
  ): void => {
    const p = prefix.length
    const width = columns.length - p
    // `or fail`: a multi-row statement whose checks may ABORT it half-way keeps a statement journal (a copy of every
    // page it changes, in a temporary file) to undo its own rows; a failed import rolls its whole transaction back,
    // so none needs undoing alone (~0.5 µs per object; the object table's keys are deferred for it, migration 0028).
    const head = `insert or fail into ${q(table)} (${columns.map((c) => q(c.name)).join(', ')}) values `
    const tuple = `(${columns.map((_, c) => (c < p ? `@p${c}` : '?')).join(', ')})`
    const named = p === 0 ? undefined : sharedValues(prefix)
    const per = Math.max(
      1,
      Math.min(SQLITE_ROWS, Math.floor((SQLITE_MAX_PARAMETERS - p) / Math.max(1, width))),
    )
    let i = 0
    if (rows.length >= per && per > 1) {
      const text = head + Array.from({ length: per }, () => tuple).join(', ')
      const st = statement(text)
      let values = buffers.get(text)
      if (!values) buffers.set(text, (values = new Array<unknown>(per * width)))
      for (; i + per <= rows.length; i += per) {
        let k = 0
        for (let r = i; r < i + per; r++) {
          const row = rows[r]!
          for (let c = 0; c < width; c++) values[k++] = row[c]
        }
        if (named) st.run(values, named)
        else st.run(values)
      }
      // The last chunk's values would otherwise stay referenced until the next insert into the table.
      values.fill(null)
    }
    if (i === rows.length) return
    const one = statement(head + tuple)
    if (named) for (; i < rows.length; i++) one.run(rows[i]!, named)
    else for (; i < rows.length; i++) one.run(rows[i]!)
  }

  return {
    insert: async (_db, table, columns, rows) => insertRows(table, columns, [], rows),
    insertGrouped: async (_db, table, columns, groups) => {
      for (const { prefix, rows } of groups) insertRows(table, columns, prefix, rows)
    },
    updateByKey: async (_db, table, columns, rows) => {
      const [key, ...rest] = columns
      const st = statement(
        `update ${q(table)} set ${rest.map((c) => `${q(c.name)} = ?`).join(', ')} where ${q(key!.name)} = ?`,
      )
      for (const row of rows) st.run([...row.slice(1), row[0]])
    },
    deleteByKeys: async (_db, table, columns, rows) => {
      const st = statement(
        `delete from ${q(table)} where ${columns.map((c) => `${q(c.name)} = ?`).join(' and ')}`,
      )
      for (const row of rows) st.run(row)
    },
  }
}

const PG_CHUNK = 5000

/**
 * Streams rows into `table` with one binary COPY (see pg-binary-copy.ts: the text format's escaping and number
 * formatting cost more in Node than the rows' transfer). Each group's rows are written as `[...prefix, ...row]`.
 */
async function copyRows(
  client: pg.PoolClient,
  table: string,
  columns: readonly BulkColumn[],
  groups: readonly { prefix: readonly unknown[]; rows: readonly unknown[][] }[],
): Promise<void> {
  if (groups.every((g) => g.rows.length === 0)) return
  const stream = client.query(
    loadPgCopyStreams().from(
      `copy "${table}" (${columns.map((c) => `"${c.name}"`).join(', ')}) from stdin (format binary)`,
    ),
  )
  // The server's refusal (a row it rejects mid-stream) ends the COPY: the stream then never drains.
  const server: { refused: Error | null } = { refused: null }
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve)
    stream.on('error', (error: Error) => {
      server.refused = error
      reject(error)
    })
  })
  // Awaited below; until then a refusal must not count as an unhandled rejection.
  done.catch(() => undefined)
  const encoder = new BinaryCopyEncoder(
    stream,
    columns.map((c) => c.pg),
  )
  try {
    for (const { prefix, rows } of groups)
      for (const row of rows)
        if (encoder.row(prefix, row)) {
          if (server.refused) throw server.refused
          // Each wait for room also ends when the server refused the COPY.
          await Promise.race([encoder.flush(), done])
        }
    if (server.refused) throw server.refused
    encoder.end()
  } catch (error) {
    if (server.refused) throw server.refused
    // A value that cannot be encoded: end the COPY with an error, so that the connection stays usable.
    stream.destroy(error as Error)
    await done.catch(() => undefined)
    throw error
  }
  await done
}

export function postgresBulkWriter(client?: pg.PoolClient): BulkWriter {
  const arrays = (columns: readonly BulkColumn[], rows: readonly unknown[][]) =>
    columns.map((c, i) => sql`${rows.map((r) => r[i] ?? null)}::${sql.raw(c.pg)}[]`)
  const names = (columns: readonly BulkColumn[]) => columns.map((c) => sql.ref(c.name))
  const writer: BulkWriter = {
    insert: async (db, table, columns, rows) => {
      if (client) return copyRows(client, table, columns, [{ prefix: [], rows }])
      for (let i = 0; i < rows.length; i += PG_CHUNK) {
        const chunk = rows.slice(i, i + PG_CHUNK)
        await sql`insert into ${sql.table(table)} (${sql.join(names(columns))})
          select * from unnest(${sql.join(arrays(columns, chunk))})`.execute(db)
      }
    },
    insertGrouped: async (db, table, columns, groups) => {
      if (client) return copyRows(client, table, columns, groups)
      for (const { prefix, rows } of groups)
        await writer.insert(
          db,
          table,
          columns,
          rows.map((r) => [...prefix, ...r]),
        )
    },
    updateByKey: async (db, table, columns, rows) => {
      const [key, ...rest] = columns
      for (let i = 0; i < rows.length; i += PG_CHUNK) {
        const chunk = rows.slice(i, i + PG_CHUNK)
        const sets = rest.map((c) => sql`${sql.ref(c.name)} = v.${sql.ref(c.name)}`)
        await sql`update ${sql.table(table)} as t set ${sql.join(sets)}
          from unnest(${sql.join(arrays(columns, chunk))}) as v(${sql.join(names(columns))})
          where t.${sql.ref(key!.name)} = v.${sql.ref(key!.name)}`.execute(db)
      }
    },
    deleteByKeys: async (db, table, columns, rows) => {
      for (let i = 0; i < rows.length; i += PG_CHUNK) {
        const chunk = rows.slice(i, i + PG_CHUNK)
        const match = columns.map((c) => sql`t.${sql.ref(c.name)} = k.${sql.ref(c.name)}`)
        await sql`delete from ${sql.table(table)} as t
          using unnest(${sql.join(arrays(columns, chunk))}) as k(${sql.join(names(columns))})
          where ${sql.join(match, sql` and `)}`.execute(db)
      }
    },
  }
  return writer
}
