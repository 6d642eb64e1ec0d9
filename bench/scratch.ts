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

/** A fresh SQLite directory, and a fresh PostgreSQL database beside DATABASE_URL when it names one. */
export async function scratchDatabases(databaseUrl: string | undefined): Promise<ScratchDatabase[]> {
  const out: ScratchDatabase[] = []
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-bench-'))
  out.push({
    name: 'sqlite',
    env: { INTAKE_DATA_DIR: dir },
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  })
  if (databaseUrl && /^postgres/.test(databaseUrl)) {
    const name = `intake_bench_${randomBytes(4).toString('hex')}`
    await run(databaseUrl, `create database ${name}`)
    const u = new URL(databaseUrl)
    u.pathname = `/${name}`
    const pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-bench-'))
    out.push({
      name: 'postgres',
      env: { INTAKE_DATA_DIR: pgDir, DATABASE_URL: u.toString() },
      drop: async () => {
        await run(databaseUrl, `drop database if exists ${name} with (force)`)
        fs.rmSync(pgDir, { recursive: true, force: true })
      },
    })
  }
  return out
}
