/**
 * Quick entry point for the engine benchmark alone: `npx tsx bench/engine-only.ts --rows=100000 [--pg] [--no-sqlite]
 * [--no-shaped] [--first-only]` (`--no-shaped`: without the first load with transformation steps; `--first-only`: the
 * first load and its baseline, no re-imports and no transformation run).
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { benchEngine, engineTable } from './engine/engine.bench.js'

const n = Number(process.argv.find((a) => a.startsWith('--rows='))?.split('=')[1] ?? 100000)
const shaped = !process.argv.includes('--no-shaped')
const firstOnly = process.argv.includes('--first-only')
const options = { firstOnly, shaped }
const rows = []
if (!process.argv.includes('--no-sqlite')) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-b-'))
  rows.push(...(await benchEngine('sqlite', { INTAKE_DATA_DIR: dir }, n, console.log, options)))
  fs.rmSync(dir, { recursive: true, force: true })
}
if (process.argv.includes('--pg')) {
  const admin = 'postgres://postgres@127.0.0.1:5432/postgres'
  const name = `${process.env.BENCH_DB_PREFIX ?? 'intake_b'}_${randomBytes(4).toString('hex')}`
  const c = new pg.Client({ connectionString: admin })
  await c.connect()
  await c.query(`create database ${name}`)
  await c.end()
  try {
    rows.push(
      ...(await benchEngine(
        'postgres',
        { INTAKE_DATA_DIR: os.tmpdir(), DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${name}` },
        n,
        console.log,
        options,
      )),
    )
  } finally {
    const d = new pg.Client({ connectionString: admin })
    await d.connect()
    await d.query(`drop database if exists ${name} with (force)`)
    await d.end()
  }
}
console.log(engineTable(rows))
