/**
 * How a PostgreSQL first load should write its value-index rows: `npx tsx bench/engine/pg-value-index.ts
 * --rows=100000 [--reps=3]`. In a scratch database, a table like `object_value` (its primary key and partial
 * numeric index) receives the rows of the engine benchmark's three indexed attributes (Asset ID and Serial, unique,
 * and Name, the label) for `--rows` objects in batches of 5,000, inside one transaction, under each strategy:
 *
 * - `stage` (the engine before this pass): unique attributes by one COPY per batch in arrival order, the label's
 *   rows COPYed into a temporary partitioned stage and moved at the end in key order;
 * - `stage, sorted`: the same with each batch's direct rows sorted by key first (in Node);
 * - `stage, move collate C`: the move sorting by `value_ci collate "C"` (abbreviated keys, memcmp);
 * - `direct, sorted`: every attribute straight into the table, each batch sorted by key, no stage.
 *
 * Reported per strategy (alternating within each repetition): the backend's CPU from /proc/<pid>/stat, this
 * process's CPU, wall, WAL bytes, each per object. The table is dropped between runs.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { BinaryCopyEncoder } from '../../src/store/pg-binary-copy.js'
import { row } from './hardware-data.js'

const arg = (name: string, fallback: number): number =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback)
const ROWS = arg('rows', 100_000)
const REPS = arg('reps', 3)
const BATCH = 5000
const ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres'
const TYPES = ['bigint', 'text', 'bigint', 'integer', 'text', 'double precision'] as const
const ID = 1
const NAME = 2
const SERIAL = 3

type Tuple = [number, string, number, number, string, number | null]

function cpuOf(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(f[11]) + Number(f[12])) * 10
}
const nodeCpu = (): number => {
  const c = process.cpuUsage()
  return (c.user + c.system) / 1000
}
const byKey = (a: Tuple, b: Tuple): number =>
  a[0] - b[0] || (a[1] === b[1] ? a[2] - b[2] || a[3] - b[3] : a[1] < b[1] ? -1 : 1)

async function copy(client: pg.Client, table: string, rows: Tuple[]): Promise<void> {
  const stream = client.query(copyFrom(`copy ${table} from stdin (format binary)`))
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve)
    stream.on('error', reject)
  })
  const enc = new BinaryCopyEncoder(stream, TYPES)
  for (const r of rows) if (enc.row([], r)) await enc.flush()
  enc.end()
  await done
}

/** The batch's rows per attribute, as the engine's index buckets hold them (arrival order). */
function batch(from: number): Map<number, Tuple[]> {
  const out = new Map<number, Tuple[]>([
    [ID, []],
    [NAME, []],
    [SERIAL, []],
  ])
  for (let i = from; i < Math.min(ROWS, from + BATCH); i++) {
    const r = row(i)
    const id = i + 1
    out.get(ID)!.push([ID, r[0]!.toLowerCase(), id, 0, r[0]!, null])
    out.get(NAME)!.push([NAME, r[1]!.toLowerCase(), id, 0, r[1]!, null])
    out.get(SERIAL)!.push([SERIAL, r[4]!.toLowerCase(), id, 0, r[4]!, null])
  }
  return out
}

type Strategy =
  | 'stage'
  | 'stage, sorted'
  | 'stage, move collate C'
  | 'direct, sorted'
  | 'direct, sorted, label every 4 batches'
const STRATEGIES: Strategy[] = (process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(';') as Strategy[] | undefined) ?? [
  'stage',
  'stage, sorted',
  'stage, move collate C',
  'direct, sorted',
  'direct, sorted, label every 4 batches',
]

async function run(url: string, strategy: Strategy) {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  const pid = (await c.query('select pg_backend_pid() as p')).rows[0].p as number
  await c.query('drop table if exists ov')
  await c.query(`create table ov (attribute_id bigint not null, value_ci text not null, object_id bigint not null,
    position integer not null, value_text text not null, value_num double precision,
    constraint ov_pk primary key (attribute_id, value_ci, object_id, position))`)
  await c.query('create index ov_num on ov (attribute_id, value_num) where value_num is not null')
  await c.query('checkpoint')
  const w0 = BigInt((await c.query(`select pg_current_wal_lsn() - '0/0' as b`)).rows[0].b)
  const t0 = performance.now()
  const c0 = cpuOf(pid)
  const n0 = nodeCpu()
  await c.query('begin')
  await c.query(`set local work_mem = '256MB'`)
  await c.query('set local jit = off')
  const staged = !strategy.startsWith('direct')
  const held = strategy === 'direct, sorted, label every 4 batches'
  let label: Tuple[] = []
  if (staged)
    await c.query(`create temp table st (attribute_id bigint, value_ci text, object_id bigint, position integer,
      value_text text, value_num double precision) partition by list (attribute_id) on commit drop`)
  if (staged)
    await c.query(`create temp table st_${NAME} partition of st for values in (${NAME}) on commit drop`)
  for (let from = 0; from < ROWS; from += BATCH) {
    const b = batch(from)
    const direct: Tuple[] = []
    for (const [a, rows] of b) if (!staged || a !== NAME) (held && a === NAME ? label : direct).push(...rows)
    if (held && (label.length >= 4 * BATCH || from + BATCH >= ROWS)) {
      direct.push(...label)
      label = []
    }
    if (strategy !== 'stage') direct.sort(byKey)
    await copy(c, 'ov', direct)
    if (staged) await copy(c, 'st', b.get(NAME)!)
  }
  if (staged) {
    const collate = strategy === 'stage, move collate C' ? ' collate "C"' : ''
    await c.query(`insert into ov select ${NAME}, value_ci, object_id, position, coalesce(value_text, value_ci), value_num
      from st_${NAME} order by value_ci${collate}, object_id, position`)
  }
  await c.query('commit')
  const out = {
    backend: cpuOf(pid) - c0,
    node: nodeCpu() - n0,
    wall: performance.now() - t0,
    wal: Number(BigInt((await c.query(`select pg_current_wal_lsn() - '0/0' as b`)).rows[0].b) - w0),
  }
  const count = Number((await c.query('select count(*) as n from ov')).rows[0].n)
  if (count !== ROWS * 3) throw new Error(`${strategy}: ${count} rows`)
  await c.query('drop table ov')
  await c.end()
  return out
}

const name = `intake_ovb_${randomBytes(4).toString('hex')}`
const admin = new pg.Client({ connectionString: ADMIN })
await admin.connect()
await admin.query(`create database ${name}`)
const url = `postgres://postgres@127.0.0.1:5432/${name}`
const results = new Map<Strategy, { backend: number; node: number; wall: number; wal: number }[]>()
try {
  for (let rep = 0; rep < REPS; rep++)
    for (const s of rep % 2 ? [...STRATEGIES].reverse() : STRATEGIES) {
      const r = await run(url, s)
      if (!results.has(s)) results.set(s, [])
      results.get(s)!.push(r)
      console.log(
        `${s}: backend ${r.backend} ms, node ${r.node.toFixed(0)} ms, wall ${r.wall.toFixed(0)} ms, load ${os.loadavg()[0]!.toFixed(1)}`,
      )
    }
} finally {
  await admin.query(`drop database if exists ${name} with (force)`)
  await admin.end()
}
const per = (ms: number): string => ((ms * 1000) / ROWS).toFixed(2)
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
console.log(`\n${ROWS} objects (3 index rows each), median of ${REPS}, µs per object:`)
console.log('| strategy | backend CPU (runs) | node CPU | wall | WAL B/object |')
console.log('| --- | ---: | ---: | ---: | ---: |')
for (const [s, rs] of results)
  console.log(
    `| ${s} | ${per(median(rs.map((r) => r.backend)))} (${rs.map((r) => per(r.backend)).join(', ')}) | ${per(median(rs.map((r) => r.node)))} | ${per(median(rs.map((r) => r.wall)))} | ${(median(rs.map((r) => r.wal)) / ROWS).toFixed(0)} |`,
  )
