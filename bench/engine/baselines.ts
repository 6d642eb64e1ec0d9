import fs from 'node:fs'
import { pipeline } from 'node:stream/promises'
import Database from 'better-sqlite3'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { csvBatches } from './csv-chunks.js'
import { HEADER } from './hardware-data.js'

/**
 * SQLite baseline: the same file read the same way as the engine's input (the CSV connector, csvBatches), one
 * prepared insert per row into one plain table, one transaction.
 */
export async function sqliteBaseline(csv: string, dbFile: string): Promise<number> {
  fs.rmSync(dbFile, { force: true })
  const db = new Database(dbFile)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(
    `create table baseline (${HEADER.map((h) => `"${h}" text`).join(', ')}); create unique index baseline_id on baseline(id)`,
  )
  const insert = db.prepare(`insert into baseline values (${HEADER.map(() => '?').join(', ')})`)
  const start = performance.now()
  db.exec('begin')
  for await (const rows of csvBatches(csv))
    for (const row of rows) insert.run(HEADER.map((h) => row[h] ?? null))
  db.exec('commit')
  const seconds = (performance.now() - start) / 1000
  db.close()
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(dbFile + suffix, { force: true })
  return seconds
}

/** PostgreSQL baseline: the same file loaded with COPY into one plain table with a unique index. */
export async function postgresBaseline(csv: string, url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('drop table if exists baseline')
    await client.query(`create table baseline (${HEADER.map((h) => `"${h}" text`).join(', ')})`)
    await client.query('create unique index baseline_id on baseline(id)')
    const start = performance.now()
    await pipeline(
      fs.createReadStream(csv),
      client.query(copyFrom('copy baseline from stdin with (format csv, header true)')),
    )
    const seconds = (performance.now() - start) / 1000
    await client.query('drop table baseline')
    return seconds
  } finally {
    await client.end()
  }
}
