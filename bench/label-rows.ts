/**
 * CPU per object of a first load and of a 10 % re-import (10 % changed — the label too —, 5 % gone, 5 % new) of the
 * hardware CSV, for comparing builds on a loaded machine (docs/benchmarks.md, issue 11 tenth pass, branch label):
 * `npx tsx bench/label-rows.ts --rows=200000 [--pg]`. SQLite: this process's CPU (process.cpuUsage); PostgreSQL:
 * the CPU of the database's backends (/proc/<pid>/stat, 10 ms ticks) and of this process. Also the object_value
 * rows left, and the engine's write phase in µs per entry (wall).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { phasesOf } from './bench-kit.js'
import { engineRunner } from './engine/engine-runner.js'
import { writeCsv } from './engine/hardware-data.js'
import { freshDatabase } from './scratch.js'

const n = Number(process.argv.find((a) => a.startsWith('--rows='))?.split('=')[1] ?? 200000)
const usePg = process.argv.includes('--pg')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-label-'))
const first = path.join(dir, 'first.csv')
const second = path.join(dir, 'second.csv')
writeCsv(first, { n })
writeCsv(second, { n, changedEvery: 10, goneEvery: 20, extra: Math.floor(n / 20) })

const base: Record<string, string> = usePg
  ? {
      INTAKE_DATA_DIR: dir,
      DATABASE_URL: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    }
  : { INTAKE_DATA_DIR: dir }
const db = await freshDatabase(base)
const runner = await engineRunner(db.env)
const admin = usePg ? new pg.Client({ connectionString: db.env.DATABASE_URL }) : null
await admin?.connect()

function procCpuMs(pid: number): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100
  } catch {
    return 0
  }
}
async function backendsCpu(): Promise<Map<number, number>> {
  const out = new Map<number, number>()
  if (!admin) return out
  const r = await admin.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
  )
  for (const { pid } of r.rows) out.set(pid, procCpuMs(pid))
  return out
}

try {
  for (const [scenario, csv] of [
    ['first load', first],
    ['re-import 10 %', second],
  ] as const) {
    const b0 = await backendsCpu()
    const u0 = process.cpuUsage()
    const start = performance.now()
    const result = await runner.runOnce(csv)
    const wall = performance.now() - start
    const u = process.cpuUsage(u0)
    const b1 = await backendsCpu()
    let server = 0
    for (const [pid, ms] of b1) server += ms - (b0.get(pid) ?? 0)
    const phases = phasesOf(Object.values(result.objectTypeResultMap)[0]!)
    const us = (ms: number): string => ((ms * 1000) / n).toFixed(2)
    const nodeMs = (u.user + u.system) / 1000
    console.log(
      `${usePg ? 'postgres' : 'sqlite'} ${scenario} n=${n}: wall ${us(wall)} µs/obj, node CPU ${us(nodeMs)} µs/obj` +
        (usePg ? `, server CPU ${us(server)} µs/obj` : '') +
        `, write ${us(phases.writeInsightDataTimeInMs)} µs/entry (wall), post ${us(phases.postFunctionTimeInMs)}`,
    )
  }
  // What the label's index would have held: the object_value rows left after the re-import.
  const rows = usePg
    ? Number((await admin!.query<{ n: string }>('select count(*) as n from object_value')).rows[0]!.n)
    : null
  if (rows !== null) console.log(`object_value rows: ${rows}`)
} finally {
  await admin?.end()
  await runner.close()
  await db.drop()
  fs.rmSync(dir, { recursive: true, force: true })
}
