/**
 * The SQLite first load's write phase under variants (issue 11, branch sqlbulk; docs/benchmarks.md): which object
 * index costs what, and the page cache. One engine first load of the hardware rows on a fresh database, its process
 * CPU and phases per entry:
 *
 *   npx tsx bench/engine/sqlite-write-variants.ts --rows=200000 [--cache=16] [--drop=label,keyci,key,identity]
 *     [--stmts] [--nofk] [--memtemp] [--tempcache=MiB] [--deferfk]
 *
 * `--drop`: the indexes are dropped before the run and created again after it (the build's wall and CPU time printed
 * apart); `key` / `identity` first rebuild the object table so that its two unique constraints become droppable
 * unique indexes. `--stmts`: CPU time of every SQLite statement by its first words (process.cpuUsage around each
 * call: ~1 µs per call of its own; and its wall time). `--nofk`: the engine's connection without foreign keys. `--memtemp`: its temporary tables, statement journals and
 * sorter in memory (temp_store = MEMORY: unbounded memory, a measurement only). `--tempcache`: the temporary database's
 * page cache. `--deferfk`: the object table rebuilt with deferred foreign keys first (as migration 0028 does; a
 * no-op after it).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { phasesOf } from '../bench-kit.js'
import { engineRunner } from './engine-runner.js'
import { writeCsv } from './hardware-data.js'

const arg = (name: string, d: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d
const n = Number(arg('rows', '200000'))
const cache = arg('cache', '16')
const drop = arg('drop', '').split(',').filter(Boolean)
const INDEXES: Record<string, string> = {
  label: 'create index object_type_label_ci_idx on object (workspace_id, object_type_id, label_ci, id)',
  keyci: 'create index object_key_ci_idx on object (workspace_id, lower(object_key))',
  key: 'create unique index object_key_uq on object (workspace_id, object_key)',
  identity: 'create unique index object_identity_uq on object (object_type_id, import_source_id, identity)',
}
/** --stmts: CPU µs per entry of every SQLite statement, by its first words. */
const stmtCpu = new Map<string, [number, number, number]>()
if (process.argv.includes('--stmts')) {
  const proto = SqliteDatabase.prototype as unknown as { prepare: (s: string) => SqliteDatabase.Statement }
  const prepare = proto.prepare
  proto.prepare = function (this: unknown, text: string) {
    const st = prepare.call(this, text)
    const key = text.replace(/\s+/g, ' ').slice(0, 60)
    for (const m of ['run', 'all', 'get', 'iterate'] as const) {
      const f = (st as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!
      ;(st as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => {
        const c = process.cpuUsage()
        const t = performance.now()
        try {
          return f.apply(st, a)
        } finally {
          const d = process.cpuUsage(c)
          const e = stmtCpu.get(key) ?? [0, 0, 0]
          e[0] += d.user + d.system
          e[1]++
          e[2] += (performance.now() - t) * 1000
          stmtCpu.set(key, e)
        }
      }
    }
    return st
  }
}
if (process.argv.includes('--nofk')) {
  const proto = SqliteDatabase.prototype as unknown as { pragma: (s: string, o?: unknown) => unknown }
  const pragma = proto.pragma
  proto.pragma = function (this: unknown, text: string, o?: unknown) {
    return pragma.call(this, text === 'foreign_keys = ON' ? 'foreign_keys = OFF' : text, o)
  }
}
if (process.argv.includes('--memtemp')) {
  const proto = SqliteDatabase.prototype as unknown as { pragma: (s: string, o?: unknown) => unknown }
  const pragma = proto.pragma
  proto.pragma = function (this: unknown, text: string, o?: unknown) {
    if (text === 'foreign_keys = ON') pragma.call(this, 'temp_store = MEMORY')
    return pragma.call(this, text, o)
  }
}
const tempCache = arg('tempcache', '')
if (tempCache) {
  // The temporary database's page cache (stage tables, sorter spills; SQLite's default 2 MiB), in MiB.
  const proto = SqliteDatabase.prototype as unknown as { pragma: (s: string, o?: unknown) => unknown }
  const pragma = proto.pragma
  proto.pragma = function (this: unknown, text: string, o?: unknown) {
    if (text === 'foreign_keys = ON') pragma.call(this, `temp.cache_size = -${Number(tempCache) * 1024}`)
    return pragma.call(this, text, o)
  }
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlbulk-var-'))
const csv = path.join(dir, 'first.csv')
writeCsv(csv, { n })
const runner = await engineRunner({ INTAKE_DATA_DIR: dir, INTAKE_SQLITE_CACHE_MB: cache })
const file = path.join(dir, 'intake.db')
const side = new SqliteDatabase(file)
if (drop.includes('key') || drop.includes('identity')) {
  const { sql: ddl } = side.prepare(`select sql from sqlite_master where name = 'object'`).get() as {
    sql: string
  }
  const bare = ddl
    .replace(/, constraint "object_key_uq"[^)]*\)/, '')
    .replace(/, constraint "object_identity_uq"[^)]*\)/, '')
    .replace('CREATE TABLE "object"', 'CREATE TABLE "object_new"')
  side.pragma('foreign_keys = OFF')
  side.pragma('legacy_alter_table = ON')
  side.exec(`begin; ${bare}; insert into object_new select * from object; drop table object;
    alter table object_new rename to object; ${INDEXES.label}; ${INDEXES.keyci}; ${INDEXES.key}; ${INDEXES.identity}; commit`)
}
if (process.argv.includes('--deferfk')) {
  // The object table rebuilt with its foreign keys deferred (what migration 0028 does).
  const { sql: ddl } = side.prepare(`select sql from sqlite_master where name = 'object'`).get() as {
    sql: string
  }
  const indexes = (
    side
      .prepare(
        `select sql from sqlite_master where tbl_name = 'object' and type = 'index' and sql is not null`,
      )
      .all() as { sql: string }[]
  ).map((r) => r.sql)
  const deferred = ddl
    .replace(/(references "\w+" \("id"\)( on delete cascade)?)/g, '$1 deferrable initially deferred')
    .replace('CREATE TABLE "object"', 'CREATE TABLE "object_new"')
  side.pragma('foreign_keys = OFF')
  side.pragma('legacy_alter_table = ON')
  side.exec(`begin; ${deferred}; insert into object_new select * from object; drop table object;
    alter table object_new rename to object; ${indexes.join('; ')}; commit`)
  console.log(
    (side.prepare(`select sql from sqlite_master where name = 'object'`).get() as { sql: string }).sql.match(
      /deferrable/g,
    )?.length,
    'deferred keys',
  )
}
for (const d of drop)
  side.exec(`drop index ${INDEXES[d]!.split(' ')[d === 'key' || d === 'identity' ? 3 : 2]}`)
const cpu0 = process.cpuUsage()
const start = performance.now()
const result = await runner.runOnce(csv)
const seconds = (performance.now() - start) / 1000
const cpu = process.cpuUsage(cpu0)
const p = phasesOf(Object.values(result.objectTypeResultMap)[0]!)
let rebuild = 0
let rebuildCpu = 0
if (drop.length) {
  const t = performance.now()
  const c = process.cpuUsage()
  side.exec(`begin; ${drop.map((d) => INDEXES[d]).join('; ')}; commit`)
  const d = process.cpuUsage(c)
  rebuildCpu = (d.user + d.system) / 1000
  rebuild = performance.now() - t
}
side.close()
await runner.close()
const us = (ms: number): string => ((ms * 1000) / n).toFixed(2)
console.log(
  `rows ${n} cache ${cache} drop [${drop.join(',')}] load ${os.loadavg()[0]!.toFixed(1)}: wall ${seconds.toFixed(1)} s, cpu ${us((cpu.user + cpu.system) / 1000)} µs/entry (user ${us(cpu.user / 1000)} sys ${us(cpu.system / 1000)}); write ${us(p.writeInsightDataTimeInMs)} post ${us(p.postFunctionTimeInMs)} decide ${us(p.decidingActionsTimeInMs)} read ${us(p.readExternalDataTimeInMs)} map ${us(p.mapExternalDataTimeInMs)}; rebuild ${us(rebuild)} µs/entry (cpu ${us(rebuildCpu)})`,
)
for (const [k, [c, calls, wall]] of [...stmtCpu].sort((a, b) => b[1][0] - a[1][0]).slice(0, 15))
  console.log(
    `  ${(c / n).toFixed(2).padStart(6)} µs/entry (wall ${(wall / n).toFixed(2).padStart(6)}) ${String(calls).padStart(6)} calls  ${k}`,
  )
fs.rmSync(dir, { recursive: true, force: true })
