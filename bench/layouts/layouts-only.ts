/**
 * The storage-layout prototypes alone: `npx tsx bench/layouts/layouts-only.ts --rows=N [--reps=R] [--db=sqlite,postgres]
 * [--layouts=A,B,B-lean,B+GIN,C]`.
 * PostgreSQL runs against DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres (scratch databases are
 * created beside it and dropped). Prints the Markdown tables and writes them to bench/out/layouts.md.
 */
import fs from 'node:fs'
import { scratchDatabases } from '../scratch.js'
import type { LayoutName } from './layout-kit.js'
import { benchLayouts, layoutsTable, type LayoutBaseline, type LayoutBenchRow } from './layouts.bench.js'

const arg = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
const n = Number(arg('rows') ?? 50_000)
const reps = Number(arg('reps') ?? 2)
const databases = arg('db')?.split(',') ?? ['sqlite', 'postgres']
const layouts = arg('layouts')?.split(',') as LayoutName[] | undefined
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const log = (line: string): void => void process.stderr.write(`${line}\n`)

const rows: LayoutBenchRow[] = []
const baselines: LayoutBaseline[] = []
for (const db of await scratchDatabases(url)) {
  try {
    if (!databases.includes(db.name)) continue
    const out = await benchLayouts(db.name, db.env, n, log, { reps, layouts })
    rows.push(...out.rows)
    baselines.push(out.baseline)
  } finally {
    await db.drop()
  }
}
const table = layoutsTable(rows, baselines)
fs.mkdirSync('bench/out', { recursive: true })
fs.writeFileSync('bench/out/layouts.md', table + '\n')
process.stdout.write(table + '\n')
