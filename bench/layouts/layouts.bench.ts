import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { postgresBaseline, sqliteBaseline } from '../engine/baselines.js'
import { writeCsv } from '../engine/hardware-data.js'
import {
  firstLoad,
  reimport,
  timed,
  type LayoutName,
  type LayoutStore,
  type SchemaChange,
} from './layout-kit.js'
import { prepareOnly } from './objects.js'
import { openPostgresLayout } from './postgres-layouts.js'
import { openSqliteLayout } from './sqlite-layouts.js'

/**
 * Storage layouts A (today's), B (values inline, indexes where they pay) and C (a table per type), prototyped with
 * better-sqlite3 and pg directly — not the engine — on the engine benchmark's hardware rows: first load, re-import
 * unchanged, re-import with 10 % changed / 5 % gone / 5 % new, AQL-equivalent queries, schema changes, bytes on disk.
 * Each write scenario runs `reps` times on a fresh database and keeps the best; the bare baselines of
 * bench/engine/baselines.ts run in the same process, as many times. See docs/decisions/0006-object-storage-layout.md.
 */

export interface LayoutQueryRow {
  name: string
  total: number
  medianMs: number
  coldMs: number
}

export interface LayoutBenchRow {
  engine: 'sqlite' | 'postgres'
  layout: LayoutName
  rows: number
  changedRows: number
  firstS: number
  /** PostgreSQL: COPY into a staging table + one set-based merge. */
  stagedS: number | null
  unchangedS: number
  changedS: number
  counts: string
  bytes: number
  queries: LayoutQueryRow[]
  schema: SchemaChange
}

export interface LayoutBaseline {
  engine: 'sqlite' | 'postgres'
  rows: number
  firstS: number
  changedS: number
  /** Parse + map + hash with no database (part of every layout's figure). */
  prepareS: number
  load: string
}

const QUERY_RUNS = 5
const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')

export async function benchLayouts(
  engine: 'sqlite' | 'postgres',
  env: Record<string, string>,
  n: number,
  log: (line: string) => void,
  options: { reps?: number; layouts?: LayoutName[] } = {},
): Promise<{ rows: LayoutBenchRow[]; baseline: LayoutBaseline }> {
  const reps = options.reps ?? 2
  const dir = fs.mkdtempSync(path.join(env.INTAKE_DATA_DIR ?? os.tmpdir(), 'layouts-'))
  const first = path.join(dir, 'first.csv')
  const changed = path.join(dir, 'changed.csv')
  const firstRows = writeCsv(first, { n })
  const changedRows = writeCsv(changed, { n, changedEvery: 10, goneEvery: 20, extra: Math.floor(n / 20) })
  const best = async (fn: () => Promise<number>) => {
    let out = Infinity
    for (let i = 0; i < reps; i++) out = Math.min(out, await fn())
    return out
  }
  const open = (layout: LayoutName): Promise<LayoutStore> =>
    engine === 'sqlite'
      ? Promise.resolve(openSqliteLayout(layout, path.join(dir, `layout-${layout}.db`), n))
      : openPostgresLayout(layout, env.DATABASE_URL!, n)
  try {
    const load = loadAverage()
    const baseline: LayoutBaseline = {
      engine,
      rows: n,
      firstS: await best(() =>
        engine === 'sqlite'
          ? sqliteBaseline(first, path.join(dir, 'baseline.db'))
          : postgresBaseline(first, env.DATABASE_URL!),
      ),
      changedS: await best(() =>
        engine === 'sqlite'
          ? sqliteBaseline(changed, path.join(dir, 'baseline.db'))
          : postgresBaseline(changed, env.DATABASE_URL!),
      ),
      prepareS: await best(() => prepareOnly(first)),
      load,
    }
    log(
      `${engine} baselines: first ${baseline.firstS.toFixed(2)} s, changed ${baseline.changedS.toFixed(2)} s, parse+map+hash ${baseline.prepareS.toFixed(2)} s (load ${load})`,
    )
    const layouts =
      options.layouts ??
      (engine === 'sqlite' ? ['A', 'B', 'B-lean', 'C'] : ['A', 'B', 'B-lean', 'B+GIN', 'C'])
    // Reps outer, layouts inner: on a shared machine a slow minute then weighs on every layout, not on one.
    const rows: LayoutBenchRow[] = layouts.map((layout) => ({
      engine,
      layout,
      rows: firstRows,
      changedRows,
      firstS: Infinity,
      stagedS: null,
      unchangedS: Infinity,
      changedS: Infinity,
      counts: '',
      bytes: 0,
      queries: [],
      schema: { addAttributeMs: 0, indexAttributeMs: 0, addTypeMs: 0 },
    }))
    for (let rep = 0; rep < reps; rep++) {
      const last = rep === reps - 1
      for (const row of rows) {
        const layout = row.layout
        const store = await open(layout)
        try {
          row.firstS = Math.min(row.firstS, (await timed(() => firstLoad(store.writer, first))) / 1000)
          let counts = await reimport(store.writer, first)
          const unchangedMs = await timed(async () => void (counts = await reimport(store.writer, first)))
          if (counts.unchanged !== firstRows)
            throw new Error(`${layout}: re-import unchanged saw ${JSON.stringify(counts)}`)
          row.unchangedS = Math.min(row.unchangedS, unchangedMs / 1000)
          if (last) {
            row.bytes = await store.bytes()
            row.queries = await measureQueries(store)
          }
          const changedMs = await timed(async () => void (counts = await reimport(store.writer, changed)))
          row.changedS = Math.min(row.changedS, changedMs / 1000)
          row.counts = `+${counts.created} ~${counts.updated} =${counts.unchanged} -${counts.removed}`
          if (last) row.schema = await store.schemaChange()
        } finally {
          await store.close()
        }
        if (store.stagedFirstLoad && rep === 0) {
          const staged = await open(layout)
          try {
            const s = (await timed(() => staged.stagedFirstLoad!(first))) / 1000
            row.stagedS = Math.min(row.stagedS ?? Infinity, s)
          } finally {
            await staged.close()
          }
        }
        log(
          `${engine} ${layout} rep ${rep + 1}: first ${row.firstS.toFixed(2)} s${row.stagedS === null ? '' : ` (staged ${row.stagedS.toFixed(2)} s)`}, unchanged ${row.unchangedS.toFixed(2)} s, changed ${row.changedS.toFixed(2)} s ${row.counts} (load ${loadAverage()})`,
        )
      }
    }
    return { rows, baseline }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

async function measureQueries(store: LayoutStore): Promise<LayoutQueryRow[]> {
  const out: LayoutQueryRow[] = []
  for (const q of store.queries()) {
    let start = performance.now()
    const total = await q.run()
    const coldMs = performance.now() - start
    const times: number[] = []
    for (let i = 0; i < QUERY_RUNS; i++) {
      start = performance.now()
      await q.run()
      times.push(performance.now() - start)
    }
    times.sort((a, b) => a - b)
    out.push({ name: q.name, total, coldMs, medianMs: times[QUERY_RUNS >> 1]! })
  }
  return out
}

const us = (seconds: number, n: number) => ((seconds * 1e6) / n).toFixed(1)
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`

export function layoutsTable(rows: readonly LayoutBenchRow[], baselines: readonly LayoutBaseline[]): string {
  const out: string[] = []
  for (const b of baselines) {
    out.push(
      `${b.engine}, ${b.rows} rows (load average ${b.load}): bare baseline first load ${us(b.firstS, b.rows)} µs/row, changed file ${us(b.changedS, b.rows)} µs/row; parse + map + hash alone ${us(b.prepareS, b.rows)} µs/row`,
    )
  }
  out.push(
    '',
    'µs per object, × the bare baseline of the same run; [storage] = the figure minus parse + map + hash alone',
    '',
    '| db | layout | first load (×) [storage] | COPY→staging+merge (×) [storage] | re-import unchanged (×) [storage] | re-import 10/5/5 (×) [storage] | bytes/obj |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  )
  for (const r of rows) {
    const b = baselines.find((x) => x.engine === r.engine)!
    const cell = (s: number, n: number, base: number) =>
      `${us(s, n)} (${ratio(s, base)}) [${us(Math.max(0, s - b.prepareS), n)}]`
    out.push(
      `| ${r.engine} | ${r.layout} | ${cell(r.firstS, r.rows, b.firstS)} | ${r.stagedS === null ? '—' : cell(r.stagedS, r.rows, b.firstS)} | ${cell(r.unchangedS, r.rows, b.firstS)} | ${cell(r.changedS, r.changedRows, b.changedS)} | ${Math.round(r.bytes / r.rows)} |`,
    )
  }
  const names = rows[0]?.queries.map((q) => q.name) ?? []
  out.push(
    '',
    `AQL-equivalent queries (count + first page of 25 + the page's references), median of ${QUERY_RUNS} ms after a cold run (cold in brackets), matches`,
    '',
    `| query | matches | ${rows.map((r) => `${r.engine} ${r.layout}`).join(' | ')} |`,
    `| --- | ---: | ${rows.map(() => '---:').join(' | ')} |`,
  )
  for (const [i, name] of names.entries()) {
    out.push(
      `| ${name} | ${rows[0]!.queries[i]!.total} | ${rows.map((r) => `${r.queries[i]!.medianMs.toFixed(1)} (${r.queries[i]!.coldMs.toFixed(0)})`).join(' | ')} |`,
    )
  }
  out.push(
    '',
    'Schema changes on the loaded type, ms',
    '',
    `| change | ${rows.map((r) => `${r.engine} ${r.layout}`).join(' | ')} |`,
    `| --- | ${rows.map(() => '---:').join(' | ')} |`,
    `| add an attribute | ${rows.map((r) => r.schema.addAttributeMs.toFixed(1)).join(' | ')} |`,
    `| flag an attribute indexed (build its index) | ${rows.map((r) => r.schema.indexAttributeMs.toFixed(1)).join(' | ')} |`,
    `| add a type | ${rows.map((r) => r.schema.addTypeMs.toFixed(1)).join(' | ')} |`,
    ...rows.flatMap((r) =>
      r.schema.concurrent ? ['', `${r.engine} ${r.layout}: ${r.schema.concurrent}`] : [],
    ),
  )
  return out.join('\n')
}
