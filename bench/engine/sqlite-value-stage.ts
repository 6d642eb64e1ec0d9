/**
 * How a SQLite first load writes its value-index rows (issue 11, seventh pass round 2, branch sqlstage;
 * docs/benchmarks.md). The benchmark's three indexed attributes (Asset ID and Serial unique, Name the label) for N
 * objects in batches of 5,000, one transaction, into an object_value table like migration 0001's (without rowid,
 * its partial number index), on a connection set up like the store's (WAL, synchronous NORMAL, 16 MiB cache, no
 * automatic checkpoint). Process CPU and wall of the per-batch writes ("flush"), of the end's moves ("apply") and of
 * the commit, per object; building the rows is left out (the same in every strategy).
 *
 *   npx tsx bench/engine/sqlite-value-stage.ts --rows=200000 --strategy=stage [--objects] [--per=64]
 *
 * Strategies:
 * - `stage`: what IndexStage did — one temporary table per attribute (rowid, no index), `--per` rows per insert
 *   statement; at the end each attribute's rows moved into object_value with one INSERT … SELECT … ORDER BY.
 *   `untyped`: the same, the stage's columns without declared types.
 * - `one`: one temporary table for every attribute (attribute_id a column); one sorted move at the end.
 * - `direct`: each batch's rows straight into object_value, each attribute's rows sorted by key.
 * - `buffer`: the same, holding `--hold` batches per attribute in memory (larger sorted runs).
 * - `keyed`: per-attribute stage tables without rowid keyed like object_value (rows sorted per batch): the move
 *   then reads them in key order and needs no sort.
 * - `json`: per-attribute stage tables of one row per batch, the batch's rows as one JSON text; the move reads them
 *   through json_each. `jsonbeach`: the same read through jsonb_each; `jsonb`: stored as JSONB.
 * `--objects`: also inserts an object-like row (its four indexes, ~300 bytes) per object, so that the page cache is
 * shared as in the engine (its time is left out). `--threads=N`: SQLite's sorter helper threads. `--movecache=MiB`:
 * the page cache (which also sizes the sorter's in-memory runs) raised for the moves.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'

const arg = (name: string, d: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d
const n = Number(arg('rows', '200000'))
const strategy = arg('strategy', 'stage')
const per = Number(arg('per', '64'))
const hold = Number(arg('hold', '4'))
const threads = Number(arg('threads', '0'))
const withObjects = process.argv.includes('--objects')
const BATCH = 5000
const ATTRIBUTES = [11, 12, 13]

type Row = [string, number, number, string | null, number | null]

/** The three attributes' index tuples of object i (value_ci, object_id, position, value_text | null, value_num). */
function tuples(i: number, out: Row[][]): void {
  const id = i + 1
  out[0]!.push([`asset-${i}`, id, 0, null, null])
  out[1]!.push([`device ${i}`, id, 0, `Device ${i}`, null])
  const serial = `SN-${(i * 2654435761) % 4294967291}-${i}`
  out[2]!.push([serial.toLowerCase(), id, 0, serial, null])
}

function byIndexKey(a: Row, b: Row): number {
  const x = a[0]
  const y = b[0]
  if (x !== y) return x < y ? -1 : 1
  return a[1] - b[1] || a[2] - b[2]
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlstage-'))
const db = new SqliteDatabase(path.join(dir, 'bench.db'))
db.pragma('journal_mode = WAL')
db.pragma('synchronous = NORMAL')
db.pragma('cache_size = -16384')
db.pragma('wal_autocheckpoint = 0')
if (threads > 0) db.pragma(`threads = ${threads}`)
db.exec(`create table object_value (attribute_id integer not null, value_ci text not null,
  object_id integer not null, position integer not null, value_text text not null, value_num real,
  constraint object_value_pk primary key (attribute_id, value_ci, object_id, position)) without rowid;
  create index object_value_num_idx on object_value (attribute_id, value_num) where value_num is not null;
  create table object (id integer primary key autoincrement, workspace_id text not null, object_type_id integer,
  object_key text not null, label text, identity text, import_source_id text, attribute_values text, label_ci text,
  constraint object_key_uq unique (workspace_id, object_key),
  constraint object_identity_uq unique (object_type_id, import_source_id, identity));
  create index object_type_label_ci_idx on object (workspace_id, object_type_id, label_ci, id);
  create index object_key_ci_idx on object (workspace_id, lower(object_key));`)

const statements = new Map<string, SqliteDatabase.Statement>()
const prepared = (text: string): SqliteDatabase.Statement => {
  let st = statements.get(text)
  if (!st) statements.set(text, (st = db.prepare(text)))
  return st
}

/** Multi-row `insert or fail` of `[...prefix, ...row]`, `rowsPer` rows per statement (as bulk.ts does). */
function insertRows(
  table: string,
  columns: string[],
  prefix: unknown[],
  rows: unknown[][],
  rowsPer = per,
): void {
  const width = columns.length
  const head = `insert or fail into ${table} (${columns.join(', ')}) values `
  const tuple = `(${columns.map(() => '?').join(', ')})`
  const count = Math.max(1, Math.min(rowsPer, Math.floor(32_766 / width)))
  let i = 0
  if (rows.length >= count && count > 1) {
    const st = prepared(head + Array.from({ length: count }, () => tuple).join(', '))
    const values = new Array<unknown>(count * width)
    for (; i + count <= rows.length; i += count) {
      let k = 0
      for (let r = i; r < i + count; r++) {
        const row = rows[r]!
        for (const p of prefix) values[k++] = p
        for (let c = 0; c < width - prefix.length; c++) values[k++] = row[c]
      }
      st.run(values)
    }
  }
  const one = prepared(head + tuple)
  for (; i < rows.length; i++) one.run([...prefix, ...rows[i]!])
}

const VALUE = ['attribute_id', 'value_ci', 'object_id', 'position', 'value_text', 'value_num']
const STAGED = VALUE.slice(1)

function direct(attribute: number, rows: Row[]): void {
  for (const r of rows) r[3] ??= r[0]
  rows.sort(byIndexKey)
  insertRows('object_value', VALUE, [attribute], rows)
}

interface Strategy {
  flush(buckets: Row[][]): void
  apply(): void
}

/** IndexStage's SQLite stage: one temporary table per attribute (`columns`), one sorted move per attribute. */
function stage(columns: string): Strategy {
  for (const a of ATTRIBUTES) db.exec(`create temp table s_${a} (${columns})`)
  return {
    flush: (b) => ATTRIBUTES.forEach((a, k) => insertRows(`s_${a}`, STAGED, [], b[k]!)),
    apply: () => {
      for (const a of ATTRIBUTES)
        db.exec(`insert or fail into object_value (attribute_id, value_ci, object_id, position, value_text,
          value_num) select ${a}, value_ci, object_id, position, coalesce(value_text, value_ci), value_num
          from s_${a} order by value_ci, object_id, position; drop table s_${a}`)
    },
  }
}

const strategies: Record<string, () => Strategy> = {
  stage: () => stage('value_ci text, object_id bigint, position integer, value_text text, value_num real'),
  // The same stage, its columns without a declared type (no affinity to apply).
  untyped: () => stage('value_ci, object_id, position, value_text, value_num'),
  one: () => {
    db.exec(`create temp table s (attribute_id integer, value_ci text, object_id bigint, position integer,
      value_text text, value_num real)`)
    return {
      flush: (b) => ATTRIBUTES.forEach((a, k) => insertRows('s', VALUE, [a], b[k]!)),
      apply: () =>
        db.exec(`insert or fail into object_value (attribute_id, value_ci, object_id, position, value_text,
          value_num) select attribute_id, value_ci, object_id, position, coalesce(value_text, value_ci), value_num
          from s order by attribute_id, value_ci, object_id, position; drop table s`),
    }
  },
  direct: () => ({
    flush: (b) => ATTRIBUTES.forEach((a, k) => direct(a, b[k]!)),
    apply: () => undefined,
  }),
  buffer: () => {
    const held: Row[][] = ATTRIBUTES.map(() => [])
    let batches = 0
    const out = (): void => {
      ATTRIBUTES.forEach((a, k) => direct(a, held[k]!))
      for (const h of held) h.length = 0
      batches = 0
    }
    return {
      flush: (b) => {
        b.forEach((rows, k) => held[k]!.push(...rows))
        if (++batches >= hold) out()
      },
      apply: out,
    }
  },
  keyed: () => {
    for (const a of ATTRIBUTES)
      db.exec(`create temp table s_${a} (value_ci text not null, object_id bigint not null,
        position integer not null, value_text text, value_num real,
        primary key (value_ci, object_id, position)) without rowid`)
    return {
      flush: (b) =>
        ATTRIBUTES.forEach((a, k) => {
          b[k]!.sort(byIndexKey)
          insertRows(`s_${a}`, STAGED, [], b[k]!)
        }),
      apply: () => {
        for (const a of ATTRIBUTES)
          db.exec(`insert or fail into object_value (attribute_id, value_ci, object_id, position, value_text,
            value_num) select ${a}, value_ci, object_id, position, coalesce(value_text, value_ci), value_num
            from s_${a} order by value_ci, object_id, position; drop table s_${a}`)
      },
    }
  },
  json: () => jsonStage('?', 'json_each'),
  // The stage's JSON read as JSONB (each batch's text parsed once; its elements come back as JSONB, not as text).
  jsonbeach: () => jsonStage('?', 'jsonb_each'),
  // Stored as JSONB (parsed at the flush).
  jsonb: () => jsonStage('jsonb(?)', 'jsonb_each'),
}

/** A stage of one row per batch and attribute, its tuples as one JSON text (`value`: how the text is stored). */
function jsonStage(value: string, each: string): Strategy {
  for (const a of ATTRIBUTES) db.exec(`create temp table s_${a} (tuples)`)
  return {
    flush: (b) =>
      ATTRIBUTES.forEach((a, k) =>
        prepared(`insert into s_${a} (tuples) values (${value})`).run(JSON.stringify(b[k])),
      ),
    apply: () => {
      for (const a of ATTRIBUTES)
        db.exec(`insert or fail into object_value (attribute_id, value_ci, object_id, position, value_text,
          value_num) select ${a}, j.value ->> 0, j.value ->> 1, j.value ->> 2,
          coalesce(j.value ->> 3, j.value ->> 0), j.value ->> 4
          from s_${a} s, ${each}(s.tuples) j order by 2, 3, 4; drop table s_${a}`)
    },
  }
}

const make = strategies[strategy]
if (!make) throw new Error(`unknown strategy ${strategy}`)
db.exec('begin')
const s = make()
const cpuNow = (): number => {
  const c = process.cpuUsage()
  return c.user + c.system
}
let flushCpu = 0
let flushWall = 0
const objectRows: unknown[][] = []
for (let start = 0; start < n; start += BATCH) {
  const buckets: Row[][] = ATTRIBUTES.map(() => [])
  const end = Math.min(n, start + BATCH)
  for (let i = start; i < end; i++) tuples(i, buckets)
  if (withObjects) {
    objectRows.length = 0
    for (let i = start; i < end; i++)
      objectRows.push([
        i + 1,
        'ws',
        1,
        `HW-${i + 1}`,
        `Device ${i}`,
        `asset-${i}`,
        'src',
        JSON.stringify({ a: `asset-${i}`, n: `Device ${i}`, m: 'Dell', s: `SN-${i}`, x: 'x'.repeat(180) }),
        `device ${i}`,
      ])
    insertRows(
      'object',
      [
        'id',
        'workspace_id',
        'object_type_id',
        'object_key',
        'label',
        'identity',
        'import_source_id',
        'attribute_values',
        'label_ci',
      ],
      [],
      objectRows,
      64,
    )
  }
  const c = cpuNow()
  const t = performance.now()
  s.flush(buckets)
  flushCpu += cpuNow() - c
  flushWall += (performance.now() - t) * 1000
}
const moveCache = Number(arg('movecache', '0'))
// --movecache=MiB: the connection's page cache (and so the sorter's in-memory run size) raised for the moves only.
if (moveCache > 0) db.pragma(`cache_size = -${moveCache * 1024}`)
let c = cpuNow()
let t = performance.now()
s.apply()
if (moveCache > 0) db.pragma('cache_size = -16384')
const applyCpu = cpuNow() - c
const applyWall = (performance.now() - t) * 1000
c = cpuNow()
t = performance.now()
db.exec('commit')
const commitCpu = cpuNow() - c
const commitWall = (performance.now() - t) * 1000
const count = (db.prepare('select count(*) as n from object_value').get() as { n: number }).n
if (count !== n * ATTRIBUTES.length) throw new Error(`object_value holds ${count} rows`)
const size = fs.statSync(path.join(dir, 'bench.db-wal')).size
db.close()
fs.rmSync(dir, { recursive: true, force: true })
const f = (us: number): string => (us / n).toFixed(2)
console.log(
  `${strategy}${strategy === 'buffer' ? ` hold=${hold}` : ''} per=${per} threads=${threads} rows=${n}${withObjects ? ' +objects' : ''} load ${os.loadavg()[0]!.toFixed(1)}: ` +
    `CPU µs/object flush ${f(flushCpu)} apply ${f(applyCpu)} commit ${f(commitCpu)} total ${f(flushCpu + applyCpu + commitCpu)}; ` +
    `wall flush ${f(flushWall)} apply ${f(applyWall)} commit ${f(commitWall)} total ${f(flushWall + applyWall + commitWall)}; WAL ${(size / n).toFixed(0)} B/object`,
)
