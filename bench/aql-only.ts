/** Quick entry point for the AQL benchmark alone: `npx tsx bench/aql-only.ts --objects=1000000 [--pg] [--no-sqlite]`. */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { aqlTable, benchAql, type AqlBenchRow } from './aql/aql.bench.js'

const n = Number(process.argv.find((a) => a.startsWith('--objects='))?.split('=')[1] ?? 100_000)
const rows: AqlBenchRow[] = []
if (!process.argv.includes('--no-sqlite')) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-aql-'))
  try {
    rows.push(...(await benchAql('sqlite', { INTAKE_DATA_DIR: dir }, n, console.log)))
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
if (process.argv.includes('--pg')) {
  const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const name = `intake_aql_${randomBytes(4).toString('hex')}`
  const run = async (statement: string) => {
    const c = new pg.Client({ connectionString: admin })
    await c.connect()
    await c.query(statement)
    await c.end()
  }
  await run(`create database ${name}`)
  const url = new URL(admin)
  url.pathname = `/${name}`
  try {
    rows.push(
      ...(await benchAql(
        'postgres',
        { INTAKE_DATA_DIR: os.tmpdir(), DATABASE_URL: url.toString() },
        n,
        console.log,
      )),
    )
  } finally {
    await run(`drop database if exists ${name} with (force)`)
  }
}
console.log(aqlTable(n, rows))
