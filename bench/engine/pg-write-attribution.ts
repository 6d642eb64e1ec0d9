/**
 * Attribution of the PostgreSQL first load's write phase, statement by statement: `npx tsx
 * bench/engine/pg-write-attribution.ts --rows=100000 [--keep] [--reimport]`. `--reimport`: the first load runs
 * unmeasured, then the engine benchmark's re-import with 10 % changed, 5 % gone and 5 % new is attributed. For each statement shape: calls, wall time, the
 * server backend's CPU (/proc/<pid>/stat), this process's CPU while the statement ran (for a COPY: the encoding),
 * and the WAL the server wrote meanwhile (pg_current_wal_lsn on a second connection before and after; the WAL is the
 * whole server's, so other sessions' writes count too). `--keep` leaves the scratch database for inspection.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { freshDatabase } from '../scratch.js'
import { engineRunner } from './engine-runner.js'
import { writeCsv } from './hardware-data.js'
import { wallByPhase } from './statement-phases.js'

const n = Number(process.argv.find((a) => a.startsWith('--rows='))?.split('=')[1] ?? 100000)
const keep = process.argv.includes('--keep')
const reimport = process.argv.includes('--reimport')
/** `--explain=<text>`: the first measured statement containing the text is run once under EXPLAIN ANALYZE first. */
const explainText = process.argv.find((a) => a.startsWith('--explain='))?.slice('--explain='.length)
let explained = false
let measuring = false
/** The engine's phase (onProgress): reading (read, map, decide, write), then missing, references, finishing. */
let phase = 'reading'
const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const TICK_MS = 1000 / 100

interface Stat {
  calls: number
  wallMs: number
  cpuMs: number
  nodeMs: number
  wal: number
}
const stats = new Map<string, Stat>()

function cpuOf(pid: number | undefined): number {
  if (!pid) return 0
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS
  } catch {
    return 0
  }
}

const nodeCpu = (): number => {
  const c = process.cpuUsage()
  return (c.user + c.system) / 1000
}

function shape(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/\$\d+/g, '$')
    .replace(/\b\d+\b/g, 'N')
    .replace(/'[^']*'/g, "'…'")
    .slice(0, 90)
}

const walClient = new pg.Client({ connectionString: admin })
await walClient.connect()
/** The server's WAL position in bytes. Runs on its own connection, outside the hooked query. */
const lsn = async (): Promise<bigint> => {
  const r = await original.call(walClient, "select pg_current_wal_lsn() - '0/0'::pg_lsn as b")
  return BigInt((r as { rows: { b: string }[] }).rows[0]!.b)
}

const original = pg.Client.prototype.query as (...a: unknown[]) => Promise<unknown>
pg.Client.prototype.query = function (this: pg.Client & { processID?: number }, ...args: unknown[]) {
  if (this === walClient) return original.apply(this, args)
  const first = args[0] as { text?: string } | string
  const text = typeof first === 'string' ? first : (first?.text ?? '')
  const pid = this.processID
  if (explainText && measuring && !explained && text.includes(explainText)) {
    explained = true
    const values =
      typeof first === 'string'
        ? (args[1] as unknown[] | undefined)
        : (first as { values?: unknown[] }).values
    return (
      original.call(this, `explain (analyze, buffers) ${text}`, values) as Promise<{
        rows: Record<string, string>[]
      }>
    ).then((r) => {
      console.log(r.rows.map((x) => Object.values(x)[0]).join('\n'))
      return original.apply(this, args)
    })
  }
  const t0 = performance.now()
  const at = phase
  const c0 = cpuOf(pid)
  const n0 = nodeCpu()
  const w0 = lsn()
  const out = original.apply(this, args)
  const done = (): void => {
    const wall = performance.now() - t0
    const cpu = cpuOf(pid) - c0
    const node = nodeCpu() - n0
    void Promise.all([w0, lsn()]).then(([a, b]) => {
      const key = `${at}: ${shape(text)}`
      let s = stats.get(key)
      if (!s) stats.set(key, (s = { calls: 0, wallMs: 0, cpuMs: 0, nodeMs: 0, wal: 0 }))
      s.calls++
      s.wallMs += wall
      s.cpuMs += cpu
      s.nodeMs += node
      s.wal += Number(b - a)
    })
  }
  if (out && typeof (out as Promise<unknown>).then === 'function') (out as Promise<unknown>).then(done, done)
  else if (out && typeof (out as unknown as NodeJS.EventEmitter).on === 'function')
    (out as unknown as NodeJS.EventEmitter).on('finish', done)
  return out
} as typeof pg.Client.prototype.query

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-pgattr-'))
const first = path.join(dir, 'first.csv')
writeCsv(first, { n })
const changed = path.join(dir, 'changed.csv')
if (reimport) writeCsv(changed, { n, changedEvery: 10, goneEvery: 20, extra: Math.floor(n / 20) })
const csv = reimport ? changed : first
const db = await freshDatabase({ DATABASE_URL: admin })
/** The object table's row counters in the scratch database (deterministic, unlike the server-wide WAL). */
async function objectRowStats(): Promise<{ upd: number; hot: number; del: number; ins: number }> {
  const c = new pg.Client({ connectionString: db.env.DATABASE_URL })
  await c.connect()
  try {
    await original.call(c, 'select pg_stat_clear_snapshot()')
    const r = (await original.call(
      c,
      `select n_tup_upd as upd, n_tup_hot_upd as hot, n_tup_del as del, n_tup_ins as ins
        from pg_stat_user_tables where relname = 'object'`,
    )) as { rows: Record<string, string>[] }
    const row = r.rows[0] ?? {}
    return {
      upd: Number(row.upd ?? 0),
      hot: Number(row.hot ?? 0),
      del: Number(row.del ?? 0),
      ins: Number(row.ins ?? 0),
    }
  } finally {
    await c.end()
  }
}
const runner = await engineRunner(db.env)
try {
  // As the engine benchmark: the first load, then the unchanged re-import, before the measured one.
  if (reimport) for (let i = 0; i < 2; i++) await runner.runOnce(first)
  await new Promise((r) => setTimeout(r, 200))
  stats.clear()
  const rows0 = await objectRowStats()
  measuring = true
  const t0 = performance.now()
  const n0 = nodeCpu()
  const w0 = await lsn()
  const result = await runner.runOnce(csv, { onProgress: (p) => void (phase = p.phase) })
  const total = performance.now() - t0
  const node = nodeCpu() - n0
  const wal = Number((await lsn()) - w0)
  await new Promise((r) => setTimeout(r, 1500))
  const rows1 = await objectRowStats()
  await new Promise((r) => setTimeout(r, 200))
  const t = Object.values(result.objectTypeResultMap)[0]!
  const phases = [
    t.readExternalDataTimeInMs,
    t.mapExternalDataTimeInMs,
    t.decidingActionsTimeInMs,
    t.writeInsightDataTimeInMs,
    t.postFunctionTimeInMs,
  ]
    .map((ms) => ((ms * 1000) / n).toFixed(2))
    .join(' / ')
  const per = (x: number): string => ((x * 1000) / n).toFixed(2)
  let wall = 0
  let cpu = 0
  for (const s of stats.values()) {
    wall += s.wallMs
    cpu += s.cpuMs
  }
  console.log(
    `${reimport ? 're-import 10 % changed, 5 % gone, 5 % new of' : 'first load'} ${n}: ${(total / 1000).toFixed(2)} s; phases read / map / decide / write / post µs/entry ${phases}; ` +
      `node CPU ${per(node)} µs/entry; in statements wall ${per(wall)}, backend CPU ${per(cpu)} µs/entry; WAL ${(wal / n).toFixed(0)} B/entry`,
  )
  console.log(
    `object rows (pg_stat_user_tables, this database): updated ${rows1.upd - rows0.upd} (HOT ${rows1.hot - rows0.hot}), ` +
      `deleted ${rows1.del - rows0.del}, inserted ${rows1.ins - rows0.ins}`,
  )
  console.log(wallByPhase(stats, per))
  console.log('| statement | calls | wall µs/e | backend CPU µs/e | node CPU µs/e | WAL B/e |')
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |')
  for (const [k, s] of [...stats].sort((a, b) => b[1].wallMs - a[1].wallMs)) {
    if (s.wallMs < 5) continue
    console.log(
      `| \`${k.replace(/\|/g, '/')}\` | ${s.calls} | ${per(s.wallMs)} | ${per(s.cpuMs)} | ${per(s.nodeMs)} | ${(s.wal / n).toFixed(0)} |`,
    )
  }
} finally {
  await runner.close()
  if (keep) console.log(`kept ${db.env.DATABASE_URL}`)
  else await db.drop()
  await walClient.end()
  fs.rmSync(dir, { recursive: true, force: true })
  pg.Client.prototype.query = original as typeof pg.Client.prototype.query
}
