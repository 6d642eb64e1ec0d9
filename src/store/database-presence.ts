import fs from 'node:fs'
import SqliteDatabase from 'better-sqlite3'
import type { DatabaseConfig } from '../config/config.js'
import { loadPg } from './pg-client.js'

/** The table migrate.ts keeps its migrations in: present once Intake has migrated the database. */
const MIGRATION_TABLE = 'intake_migration'

/** The database in words, for a person to check: the SQLite file, or PostgreSQL's host and database (no password). */
export function describeDatabase(config: DatabaseConfig): string {
  if (config.dialect === 'sqlite') return `SQLite ${config.url}`
  const u = new URL(config.url)
  const host = u.hostname || u.searchParams.get('host') || 'localhost'
  return `PostgreSQL ${u.username ? `${decodeURIComponent(u.username)}@` : ''}${host}:${u.port || '5432'}${u.pathname}`
}

/**
 * Whether the database already holds Intake's tables — read without creating or changing anything (no SQLite file
 * is made, no table is created). Connection failures are thrown as they are.
 */
export async function holdsIntake(config: DatabaseConfig): Promise<boolean> {
  if (config.dialect === 'sqlite') {
    if (config.url === ':memory:' || !fs.existsSync(config.url)) return false
    const sqlite = new SqliteDatabase(config.url, { readonly: true, fileMustExist: true })
    try {
      return (
        sqlite
          .prepare(`select 1 from sqlite_master where type = 'table' and name = ?`)
          .get(MIGRATION_TABLE) !== undefined
      )
    } finally {
      sqlite.close()
    }
  }
  const client = new (loadPg().Client)({ connectionString: config.url, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    const res = await client.query<{ found: string | null }>('select to_regclass($1)::text as found', [
      MIGRATION_TABLE,
    ])
    return res.rows[0]?.found != null
  } finally {
    await client.end()
  }
}
