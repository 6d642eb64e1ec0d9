/**
 * The database-source benchmark (issue 16): the engine benchmark's N hardware rows in a table of a scratch
 * PostgreSQL database and of a scratch MariaDB database (the source servers), imported through the API of a real,
 * listening Intake server exactly as a client does: create a `sql` source whose root (the hardware mapping's
 * selector) is the table, PUT the mapping, POST import/start, poll the progress every 250 ms until COMPLETED. Beside
 * it, in the same run and on a fresh database, the engine's own first load of the same rows as a CSV: the ratio
 * source import / engine first load (target ≤ 1.2×). Peak RSS is sampled in this process (server + worker + the
 * small client). Loading the source table is timed apart and is not part of any ratio.
 *
 *   SQL_BENCH_PG_URL     (default postgres://postgres@127.0.0.1:5432/postgres) — the source PostgreSQL server
 *   SQL_BENCH_MYSQL_URL  (default mysql://root@127.0.0.1:3306) — the source MariaDB / MySQL server
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { loadConfig } from '../src/config/config.js'
import { startServer } from '../src/http/server.js'
import { BENCH_TOKEN, httpClient, timedPullImport } from './bench-kit.js'
import { engineFirstLoad, HARDWARE_ROOT } from './engine/engine-runner.js'
import { HEADER, row, writeCsv } from './engine/hardware-data.js'
import { hardwareDocument } from './engine/hardware-mapping.js'
import { freshDatabase } from './scratch.js'

const POLL_MS = 250
const INSERT_ROWS = 2000

export type SqlSourceKind = 'postgres' | 'mariadb'

export interface SqlBenchRow {
  engine: string
  source: SqlSourceKind
  rows: number
  /** Loading the source table (not part of the ratio). */
  loadSeconds: number
  /** POST import/start → COMPLETED, and the run as the execution records it. */
  importSeconds: number
  runSeconds: number
  /** The engine's first load of the same rows as a CSV, on a fresh database. */
  engineSeconds: number
  peakRssMb: number
  enginePeakRssMb: number
  counters: string
}

/** A scratch source database with the `hardware` table of n rows; answers its connection config and drop. */
async function sourceTable(kind: SqlSourceKind, n: number) {
  const name = `intake_bench_${randomBytes(4).toString('hex')}`
  const columns = HEADER.map((c) => `${c} text`).join(', ')
  const t0 = performance.now()
  if (kind === 'postgres') {
    const adminUrl = process.env.SQL_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
    const admin = new pg.Client({ connectionString: adminUrl })
    await admin.connect()
    await admin.query(`create database ${name}`)
    await admin.end()
    const url = new URL(adminUrl)
    url.pathname = `/${name}`
    const c = new pg.Client({ connectionString: url.toString() })
    await c.connect()
    await c.query(`create table hardware (${columns})`)
    for (let from = 0; from < n; from += INSERT_ROWS) {
      const to = Math.min(n, from + INSERT_ROWS)
      const values: string[] = []
      const tuples: string[] = []
      for (let i = from; i < to; i++) {
        const cells = row(i)
        tuples.push(`(${cells.map((_, j) => `$${values.length + j + 1}`).join(', ')})`)
        values.push(...cells)
      }
      await c.query(`insert into hardware values ${tuples.join(', ')}`, values)
    }
    await c.end()
    return {
      loadSeconds: (performance.now() - t0) / 1000,
      config: {
        driver: 'postgres',
        host: url.hostname,
        port: Number(url.port || 5432),
        database: name,
        user: url.username || 'postgres',
      },
      drop: async () => {
        const d = new pg.Client({ connectionString: adminUrl })
        await d.connect()
        await d.query(`drop database if exists ${name} with (force)`)
        await d.end()
      },
    }
  }
  const uri = process.env.SQL_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'
  const c = await mysql.createConnection({ uri })
  await c.query(`create database ${name}`)
  await c.query(`use ${name}`)
  await c.query(`create table hardware (${columns})`)
  for (let from = 0; from < n; from += INSERT_ROWS) {
    const rows: string[][] = []
    for (let i = from; i < Math.min(n, from + INSERT_ROWS); i++) rows.push(row(i))
    await c.query('insert into hardware values ?', [rows])
  }
  const url = new URL(uri)
  return {
    loadSeconds: (performance.now() - t0) / 1000,
    config: {
      driver: 'mysql',
      host: url.hostname,
      port: Number(url.port || 3306),
      database: name,
      user: url.username || 'root',
    },
    drop: async () => {
      await c.query(`drop database if exists ${name}`)
      await c.end()
    },
  }
}

/** One source through the API on a fresh database: create, map, start, poll until COMPLETED. */
async function importThroughApi(
  env: Record<string, string>,
  config: Record<string, unknown>,
  n: number,
): Promise<{ importSeconds: number; runSeconds: number; peakRssMb: number; counters: string }> {
  const db = await freshDatabase(env)
  const client = httpClient()
  try {
    const server = await startServer(
      loadConfig({
        ...db.env,
        INTAKE_ADMIN_TOKEN: BENCH_TOKEN,
        LOG_LEVEL: 'silent',
        PORT: '0',
        HOST: '127.0.0.1',
      }),
    )
    try {
      const api = `${server.url}/jsm/assets/workspace/${server.workspaceId}/v1`
      const source = await client.expect<{ id: string }>(201, 'POST', `${api}/importsource`, {
        json: {
          name: 'SQL bench',
          type: 'sql',
          config: { ...config, roots: { [HARDWARE_ROOT]: { table: 'hardware' } } },
        },
      })
      await client.expect(204, 'PUT', `${api}/importsource/${source.id}/mapping`, { json: hardwareDocument })
      return await timedPullImport(client, api, source.id, n, 'sql source import', POLL_MS)
    } finally {
      client.close()
      await server.stop()
    }
  } finally {
    await db.drop()
  }
}

export async function benchSql(
  engine: 'sqlite' | 'postgres',
  env: Record<string, string>,
  n: number,
  sources: SqlSourceKind[],
  log: (line: string) => void,
): Promise<SqlBenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-sql-bench-'))
  const rows: SqlBenchRow[] = []
  try {
    const csv = path.join(dir, 'hardware.csv')
    writeCsv(csv, { n })
    const first = await engineFirstLoad(env, csv, n)
    log(`  engine first load of ${n} rows: ${first.seconds.toFixed(1)} s`)
    for (const kind of sources) {
      const table = await sourceTable(kind, n)
      try {
        log(`  ${kind}: loaded ${n} rows in ${table.loadSeconds.toFixed(1)} s`)
        const run = await importThroughApi(env, table.config, n)
        log(
          `  ${kind}: imported in ${run.importSeconds.toFixed(1)} s (${(run.importSeconds / first.seconds).toFixed(2)}×)`,
        )
        rows.push({
          engine,
          source: kind,
          rows: n,
          loadSeconds: table.loadSeconds,
          importSeconds: run.importSeconds,
          runSeconds: run.runSeconds,
          engineSeconds: first.seconds,
          peakRssMb: run.peakRssMb,
          enginePeakRssMb: first.peakMb,
          counters: run.counters,
        })
      } finally {
        await table.drop()
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
  return rows
}

export function sqlTable(rows: SqlBenchRow[]): string {
  const head =
    '| Intake on | source | rows | import/start → COMPLETED | run | engine first load | ratio | peak RSS (engine alone) | counters |'
  const rule = '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |'
  const body = rows.map(
    (r) =>
      `| ${r.engine} | ${r.source} | ${r.rows} | ${r.importSeconds.toFixed(2)} s | ${r.runSeconds.toFixed(2)} s | ` +
      `${r.engineSeconds.toFixed(2)} s | ${(r.importSeconds / r.engineSeconds).toFixed(2)}× | ${r.peakRssMb} MB ` +
      `(${r.enginePeakRssMb} MB) | ${r.counters} |`,
  )
  return [head, rule, ...body].join('\n')
}
