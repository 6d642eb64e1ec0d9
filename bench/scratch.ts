import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'

export interface ScratchDatabase {
  name: 'sqlite' | 'postgres'
  env: Record<string, string>
  drop: () => Promise<void>
}

async function run(url: string, statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    await c.query(statement)
  } finally {
    await c.end()
  }
}

/** A fresh, empty database: a new SQLite directory, or a new PostgreSQL database beside `databaseUrl`. */
async function scratchDatabase(name: 'sqlite' | 'postgres', databaseUrl?: string): Promise<ScratchDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-bench-'))
  if (name === 'sqlite' || !databaseUrl) {
    return {
      name,
      env: { INTAKE_DATA_DIR: dir },
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    }
  }
  const database = `intake_bench_${randomBytes(4).toString('hex')}`
  await run(databaseUrl, `create database ${database}`)
  const u = new URL(databaseUrl)
  u.pathname = `/${database}`
  return {
    name,
    env: { INTAKE_DATA_DIR: dir, DATABASE_URL: u.toString() },
    drop: async () => {
      await run(databaseUrl, `drop database if exists ${database} with (force)`)
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A fresh SQLite directory, and a fresh PostgreSQL database beside DATABASE_URL when it names one. */
export async function scratchDatabases(databaseUrl: string | undefined): Promise<ScratchDatabase[]> {
  const out = [await scratchDatabase('sqlite')]
  if (databaseUrl && /^postgres/.test(databaseUrl)) out.push(await scratchDatabase('postgres', databaseUrl))
  return out
}

/** A fresh database of the same engine as `env`'s (which scratchDatabases made), beside it. */
export function freshDatabase(env: Record<string, string>): Promise<ScratchDatabase> {
  return env.DATABASE_URL ? scratchDatabase('postgres', env.DATABASE_URL) : scratchDatabase('sqlite')
}
