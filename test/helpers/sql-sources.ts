import { randomBytes } from 'node:crypto'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { expect, inject } from 'vitest'
import type { Json } from './import-sources.js'
import type { TestEnv } from './test-env.js'

/** The source databases the SQL-source tests read: a scratch database on each server, dropped afterwards. */
export type SourceDriver = 'postgres' | 'mysql'

export const MYSQL_URL = process.env.INTAKE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'
const PG_DEFAULT = 'postgres://postgres@127.0.0.1:5432/postgres'

/** Whether MariaDB / MySQL answers; with CI=true an unreachable server fails instead of skipping. */
export async function mysqlAvailable(): Promise<boolean> {
  try {
    const c = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 3000 })
    await c.end()
    return true
  } catch (error) {
    if (process.env.CI === 'true')
      throw new Error(`MariaDB is required in CI but ${MYSQL_URL} does not answer: ${String(error)}`)
    console.warn(`\n⚠ MariaDB skipped: ${MYSQL_URL} does not answer (${String(error)}).\n`)
    return false
  }
}

/** A scratch database on one server, with SQL run as its owner. */
export interface SourceDatabase {
  driver: SourceDriver
  name: string
  /** The source config's connection part (no roots). */
  connection: Json
  exec(sql: string, params?: unknown[]): Promise<unknown[]>
  /** Ends every connection Intake's SQL sources hold to this database (a lost connection, server-side). */
  killReaders(): Promise<number>
  /** How many connections Intake's SQL sources hold to this database now. */
  readers(): Promise<number>
  drop(): Promise<void>
}

export async function createSourceDatabase(driver: SourceDriver): Promise<SourceDatabase> {
  const name = `intake_src_${randomBytes(5).toString('hex')}`
  if (driver === 'postgres') {
    const adminUrl = inject('pgUrl') || PG_DEFAULT
    const admin = new pg.Client({ connectionString: adminUrl })
    await admin.connect()
    await admin.query(`create database ${name}`)
    await admin.end()
    const url = new URL(adminUrl)
    url.pathname = `/${name}`
    const client = new pg.Client({ connectionString: url.toString() })
    await client.connect()
    return {
      driver,
      name,
      connection: {
        driver: 'postgres',
        host: url.hostname,
        port: Number(url.port || 5432),
        database: name,
        user: 'postgres',
      },
      exec: async (sql, params = []) => (await client.query(sql, params)).rows,
      killReaders: async () => {
        const r = await client.query(
          `select pg_terminate_backend(pid) from pg_stat_activity
            where datname = $1 and application_name = 'intake-sql-source'`,
          [name],
        )
        return r.rowCount ?? 0
      },
      readers: async () => {
        const r = await client.query(
          `select count(*)::int as n from pg_stat_activity where datname = $1 and application_name = 'intake-sql-source'`,
          [name],
        )
        return (r.rows[0] as { n: number }).n
      },
      drop: async () => {
        await client.end()
        const c = new pg.Client({ connectionString: adminUrl })
        await c.connect()
        await c.query(`drop database if exists ${name} with (force)`)
        await c.end()
      },
    }
  }
  const admin = await mysql.createConnection({ uri: MYSQL_URL })
  await admin.query(`create database ${name}`)
  await admin.query(`use ${name}`)
  const url = new URL(MYSQL_URL)
  return {
    driver,
    name,
    connection: {
      driver: 'mysql',
      host: url.hostname,
      port: Number(url.port || 3306),
      database: name,
      user: 'root',
    },
    exec: async (sql, params = []) => {
      const [rows] = await admin.query(sql, params)
      return Array.isArray(rows) ? rows : []
    },
    killReaders: async () => {
      const [rows] = await admin.query(
        'select id from information_schema.processlist where db = ? and id <> connection_id()',
        [name],
      )
      for (const row of rows as { id: number }[]) await admin.query(`kill ${Number(row.id)}`)
      return (rows as unknown[]).length
    },
    readers: async () => {
      const [rows] = await admin.query(
        'select count(*) as n from information_schema.processlist where db = ? and id <> connection_id()',
        [name],
      )
      return Number((rows as { n: number }[])[0]!.n)
    },
    drop: async () => {
      await admin.query(`drop database if exists ${name}`)
      await admin.end()
    },
  }
}

/** When host `i` of the fixture was last updated: one minute apart (i < 60). */
export const hostUpdated = (i: number) => `2024-01-01 10:${String(i).padStart(2, '0')}:00`

/** The `hosts` fixture: `rows` hosts with an id, name, ip, cpu count, a price and an update time. */
export async function loadHosts(db: SourceDatabase, rows: number): Promise<void> {
  const ts = db.driver === 'postgres' ? 'timestamp' : 'datetime(3)'
  await db.exec(
    `create table hosts (id integer primary key, name varchar(100) not null, ip varchar(40), cpu integer,
       price decimal(10,2), updated_at ${ts} not null)`,
  )
  const values: string[] = []
  for (let i = 1; i <= rows; i++)
    values.push(
      `(${i}, 'Host ${i}', ${i % 7 === 0 ? 'null' : `'10.0.0.${i}'`}, ${i % 16}, ${i}.50, '${hostUpdated(i)}')`,
    )
  await db.exec(`insert into hosts (id, name, ip, cpu, price, updated_at) values ${values.join(', ')}`)
}

/** POST importsource for a sql source; answers the response (status and body). */
export async function createSqlSource(env: TestEnv, config: Json, name?: string) {
  return env.call('POST', `${env.api}/importsource`, {
    body: { name: name ?? `sql ${Math.random().toString(36).slice(2, 8)}`, type: 'sql', config },
  })
}

export async function createdSqlSource(env: TestEnv, config: Json): Promise<Json> {
  const res = await createSqlSource(env, config)
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body as Json
}
