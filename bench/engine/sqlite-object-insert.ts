/**
 * The SQLite first load's object insert alone (issue 11 seventh pass, branch sqlwrite; docs/benchmarks.md): n object
 * rows shaped like the engine's (64 per statement, as bulk.ts writes them) into the migrated schema's empty object
 * table in one transaction, then the commit. Variants run in turn, `--rounds` times, each on a fresh copy of one
 * migrated database; process CPU per row (better-sqlite3 runs on the main thread) of the inserts and of the commit.
 * The statement journal's writes: run it under `strace -f -e trace=pwrite64 -y` (files /var/tmp/etilqs_*).
 *
 *   npx tsx bench/engine/sqlite-object-insert.ts --rows=200000 --rounds=3 [--variants=abort,fail,deferred,nofk,shared]
 *
 * - `abort`: `insert into` (ABORT conflict handling, as before 0028), the object table's foreign keys immediate;
 * - `fail`: `insert or fail into`, immediate foreign keys;
 * - `deferred`: `insert or fail into`, the foreign keys `deferrable initially deferred` (as migration 0028 makes
 *   them; the other variants rebuild the table with them immediate, as before it);
 * - `nofk`: `insert or fail into`, foreign_keys off (a bound, not an option);
 * - `shared`: as `deferred`, the seven values every row shares (workspace, schema, type, source, times, origin)
 *   named parameters bound once per statement (bulk.ts since issue 11's eighth pass), the other seven per row.
 *   Here the rows' values are copied into the bound array inside the clock (as bulk.ts does), for every variant.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { loadConfig } from '../../src/config/config.js'
import { createStore } from '../../src/store/create-store.js'
import { migrateToLatest } from '../../src/store/migrate.js'
import { OBJECT_INSERT, OBJECT_SHARED_COLUMNS } from '../../src/store/repositories/import-write.repository.js'

const arg = (name: string, d: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d
const n = Number(arg('rows', '200000'))
const rounds = Number(arg('rounds', '3'))
const variants = arg('variants', 'abort,deferred').split(',')
const PER = 64

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlwrite-obj-'))
const template = path.join(dir, 'template.db')
{
  const store = createStore(loadConfig({ INTAKE_DATA_DIR: dir, DATABASE_URL: `sqlite:${template}` }).database)
  const outcome = await migrateToLatest(store)
  if (outcome.error) throw outcome.error
  await store.close()
  const raw = new SqliteDatabase(template)
  const at = '2026-12-07T00:00:00.000Z'
  raw.exec(`insert into workspace (id, name, created_at) values ('0b6c3c1e-2b8f-4d7b-9a77-3f1c2d9e8a11', 'w', '${at}');
    insert into object_schema (workspace_id, name, object_schema_key, description, next_object_seq, created_at, updated_at)
      values ('0b6c3c1e-2b8f-4d7b-9a77-3f1c2d9e8a11', 'Hardware', 'HW', '', 1, '${at}', '${at}');
    insert into object_type (workspace_id, object_schema_id, parent_object_type_id, external_id, name, description,
      icon_key, position, created_at, updated_at)
      values ('0b6c3c1e-2b8f-4d7b-9a77-3f1c2d9e8a11', 1, null, 'hw/device', 'Device', '', null, 0, '${at}', '${at}')`)
  raw.pragma('wal_checkpoint(TRUNCATE)')
  raw.close()
}

/** The object table rebuilt with its foreign keys deferred (as migration 0028 makes them) or immediate (before). */
function rebuildKeys(db: SqliteDatabase.Database, deferred: boolean): void {
  const { sql: ddl } = db.prepare(`select sql from sqlite_master where name = 'object'`).get() as {
    sql: string
  }
  const indexes = (
    db
      .prepare(
        `select sql from sqlite_master where tbl_name = 'object' and type = 'index' and sql is not null`,
      )
      .all() as { sql: string }[]
  ).map((r) => r.sql)
  const immediate = ddl.replace(/ deferrable initially deferred/g, '')
  const keys = deferred
    ? immediate.replace(
        /(references "\w+" \("id"\)( on delete cascade)?)/g,
        '$1 deferrable initially deferred',
      )
    : immediate
  const triggers = (
    db.prepare(`select name, sql from sqlite_master where type = 'trigger'`).all() as {
      name: string
      sql: string
    }[]
  ).filter((t) => /\bobject\b/.test(t.sql))
  db.pragma('foreign_keys = OFF')
  db.exec(`begin; ${keys.replace('CREATE TABLE "object"', 'CREATE TABLE "object_new"')};
    ${triggers.map((t) => `drop trigger "${t.name}";`).join(' ')} drop table object;
    alter table object_new rename to object; ${indexes.join('; ')}; ${triggers.map((t) => `${t.sql};`).join(' ')} commit`)
}

/**
 * `ints`: the object's workspace_id and import_source_id integers (no key to workspace) in the same three indexes;
 * `both`: the texts kept in the row, integer copies beside them (workspace_no, import_source_no) in the indexes.
 * Both bind the shared values as `shared` does.
 */
function surrogates(db: SqliteDatabase.Database, variant: string): void {
  const { sql: ddl } = db.prepare(`select sql from sqlite_master where name = 'object'`).get() as {
    sql: string
  }
  let t = ddl.replace('CREATE TABLE "object"', 'CREATE TABLE "object_new"')
  if (variant === 'ints')
    t = t
      .replace(
        /"workspace_id" text not null references "workspace" \("id"\) on delete cascade deferrable initially deferred/,
        '"workspace_id" integer not null',
      )
      .replace('"import_source_id" text', '"import_source_id" integer')
  else
    t = t
      .replace(
        '"import_source_id" text,',
        '"import_source_id" text, "workspace_no" integer not null, "import_source_no" integer,',
      )
      .replace('unique ("workspace_id", "object_key")', 'unique ("workspace_no", "object_key")')
      .replace(
        'unique ("object_type_id", "import_source_id", "identity")',
        'unique ("object_type_id", "import_source_no", "identity")',
      )
  if (t === ddl.replace('CREATE TABLE "object"', 'CREATE TABLE "object_new"')) throw new Error('no change')
  const label = variant === 'ints' ? '"workspace_id"' : '"workspace_no"'
  db.pragma('foreign_keys = OFF')
  db.exec(`begin; drop trigger if exists workspace_delete_references; ${t}; drop table object; alter table object_new rename to object;
    create index object_type_label_ci_idx on object (${label}, object_type_id, label_ci, id); commit`)
}

const WS = '0b6c3c1e-2b8f-4d7b-9a77-3f1c2d9e8a11'
const NOW = '2026-12-07T10:00:00.000Z'
const MAKERS = ['Dell', 'Lenovo', 'HP', 'Apple', 'Cisco']

/** The stored JSON of one hardware row (10 attributes, as the engine writes them: flat, one string). */
function values(i: number): string {
  return JSON.stringify({
    1: [`asset-${i}`],
    2: [`SN${((i * 2654435761) >>> 0).toString(36).toUpperCase()}`],
    3: [MAKERS[i % MAKERS.length]],
    4: [`Model ${i % 97}`],
    5: [`host-${i}.example.net`],
    6: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`],
    7: ['In Service'],
    8: [`2024-0${(i % 9) + 1}-1${i % 10}`],
    9: [(i % 5000) * 1.5],
    10: [`Rack ${i % 400}`],
  })
}

function run(variant: string, round: number): { insert: number; commit: number } {
  const file = path.join(dir, `${variant}-${round}.db`)
  fs.copyFileSync(template, file)
  const db = new SqliteDatabase(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('cache_size = -16384')
  rebuildKeys(db, variant !== 'abort' && variant !== 'fail')
  if (variant === 'ints' || variant === 'both') surrogates(db, variant)
  db.pragma(`foreign_keys = ${variant === 'nofk' ? 'OFF' : 'ON'}`)
  const conflict = variant === 'abort' ? '' : 'or fail '
  const p =
    variant === 'abort' || variant === 'fail' || variant === 'deferred' || variant === 'nofk'
      ? 0
      : OBJECT_SHARED_COLUMNS
  const cols = OBJECT_INSERT.map((c) => `"${c.name}"`)
  if (variant === 'both') cols.splice(p, 0, '"workspace_no"', '"import_source_no"')
  const tuple = `(${cols.map((_, c) => (c < p + (variant === 'both' ? 2 : 0) ? `@p${c}` : '?')).join(', ')})`
  const st = db.prepare(
    `insert ${conflict}into "object" (${cols.join(', ')}) values ` +
      Array.from({ length: PER }, () => tuple).join(', '),
  )
  // In OBJECT_INSERT's order: the shared columns, then the object's own.
  const shared: unknown[] =
    variant === 'ints'
      ? [1, 1, 1, 2, NOW, NOW, 3]
      : [WS, 1, 1, '5f0c7a52-41d2-4c55-9a0e-6b1f7e3d2c10', NOW, NOW, 3]
  if (variant === 'both') shared.push(1, 2)
  const named = Object.fromEntries(shared.map((v, c) => [`p${c}`, v]))
  const width = OBJECT_INSERT.length - p
  const bound = new Array<unknown>(PER * width)
  // The rows are built before the clock starts: only the binding and SQLite's work are measured.
  const rows: unknown[][] = []
  for (let i = 0; i < n; i++) {
    const own = [i + 1, `HW-${i + 1}`, `Device ${i}`, `asset-${i}`, `h${i}`, values(i), `device ${i}`]
    rows.push(p ? own : [...shared, ...own])
  }
  db.exec('begin')
  const c0 = process.cpuUsage()
  for (let i = 0; i + PER <= n; i += PER) {
    let k = 0
    for (let r = i; r < i + PER; r++) for (let c = 0; c < width; c++) bound[k++] = rows[r]![c]
    if (p) st.run(bound, named)
    else st.run(bound)
  }
  const c1 = process.cpuUsage()
  db.exec('commit')
  const c2 = process.cpuUsage()
  db.close()
  for (const s of ['', '-wal', '-shm']) fs.rmSync(file + s, { force: true })
  const us = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage): number => (b.user + b.system - a.user - a.system) / n
  return { insert: us(c0, c1), commit: us(c1, c2) }
}

const results = new Map<string, { insert: number; commit: number }[]>()
for (let round = 0; round < rounds; round++)
  for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
    const r = run(v, round)
    ;(results.get(v) ?? results.set(v, []).get(v)!).push(r)
    console.log(
      `round ${round} ${v.padEnd(8)} load ${os.loadavg()[0]!.toFixed(1)}: insert ${r.insert.toFixed(2)} commit ${r.commit.toFixed(2)} µs/row (CPU)`,
    )
  }
for (const [v, rs] of results) {
  const mean = (f: (r: { insert: number; commit: number }) => number): string =>
    (rs.reduce((s, r) => s + f(r), 0) / rs.length).toFixed(2)
  console.log(`${v.padEnd(8)} mean insert ${mean((r) => r.insert)} commit ${mean((r) => r.commit)} µs/row`)
}
fs.rmSync(dir, { recursive: true, force: true })
