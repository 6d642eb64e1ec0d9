/**
 * Which of the object table's indexes SQLite's plans read (issue 11 eighth pass, branch sqlwrite2; docs/benchmarks.md):
 * every statement the process prepares is recorded while it runs the AQL benchmark's queries (with orders by label,
 * Key and an attribute), object reads and writes through the object API, and an engine first load, 10 % re-import and
 * unchanged re-import of the hardware rows; then `explain query plan` of each recorded statement that names `object`,
 * on the same connection, and the indexes of `object` each plan reads are counted.
 *
 *   npx tsx bench/engine/object-index-plans.ts [--objects=20000] [--rows=5000] [--verbose]
 *
 * Without statistics (Intake never runs ANALYZE on SQLite) the plan does not depend on the bound values, so the
 * statements are explained with their parameters unbound.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { loadConfig } from '../../src/config/config.js'
import { bootstrap } from '../../src/main.js'
import { runEngine } from '../../test/helpers/engine-fixtures.js'
import { loadAqlRepository } from '../aql/aql-data.js'
import { BENCH_TOKEN } from '../bench-kit.js'
import { csvChunks } from './csv-chunks.js'
import { HARDWARE_ROOT } from './engine-runner.js'
import { writeCsv } from './hardware-data.js'
import { hardwareDocument } from './hardware-mapping.js'

const arg = (name: string, d: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d
const objects = Number(arg('objects', '20000'))
const rows = Number(arg('rows', '5000'))
const verbose = process.argv.includes('--verbose')

const texts = new Map<string, SqliteDatabase.Database>()
/** The connection that prepared last: the store's (a migration's connection is closed by then). */
let live: SqliteDatabase.Database | undefined
const proto = SqliteDatabase.prototype as unknown as { prepare: (s: string) => SqliteDatabase.Statement }
const prepare = proto.prepare
proto.prepare = function (this: SqliteDatabase.Database, text: string) {
  // Long texts are the loaders' multi-row inserts (and value lists): no index of object is read by them.
  if (
    text.length < 4000 &&
    !texts.has(text) &&
    /\bobject\b/i.test(text) &&
    !(/^\s*insert\b/i.test(text) && !/\bselect\b/i.test(text))
  )
    texts.set(text, this)
  // eslint-disable-next-line @typescript-eslint/no-this-alias -- the connection is what is recorded
  live = this
  return prepare.call(this, text)
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlwrite2-plans-'))
const booted = await bootstrap(
  loadConfig({ INTAKE_DATA_DIR: dir, INTAKE_ADMIN_TOKEN: BENCH_TOKEN, LOG_LEVEL: 'silent' }),
)
const { services } = booted
const ws = booted.workspaceId
const repo = await loadAqlRepository(services, ws, objects, () => undefined)
const middle = repo.persons + Math.floor(repo.devices / 2)
const serial = `SN-${String(middle).padStart(7, '0')}`
const inventory = `INV-${String(middle).padStart(7, '0')}`
const queries = [
  `objectType = Device AND Serial = "${serial}"`,
  `Serial = "${serial}"`,
  `Inventory = "${inventory}"`,
  `objectType = Device AND Inventory = "${inventory}"`,
  `objectType = Device AND Owner = "${repo.personLabel}"`,
  'objectType = Device AND Vendor = "Vendor 3"',
  'label like "abc"',
  'objectType = Device',
  `Key = "AQB-${middle}"`,
  `Key in ("AQB-${middle}", "AQB-1")`,
  'objectType = Device AND Size >= 999000 order by Size desc',
  'objectType = Device AND Bought >= "2024-12-01" AND Vendor in ("Vendor 1", "Vendor 2")',
  `object having inboundReferences(Serial = "${serial}")`,
  `object having outboundReferences(Name = "${repo.personLabel}")`,
  'objectType = Device AND Vendor = "Vendor 3" order by Serial desc',
  'objectType = Device order by label desc',
  'objectType = Device order by Key',
  'objectType = Person order by Created desc',
  `label = "${repo.personLabel}"`,
  'objectType in (Device, Person) AND label startswith "dev"',
]
for (const q of queries) await services.aql.search(ws, q, { startAt: 0, maxResults: 25 })
// The object API: one object read, created, updated, removed.
const first = await services.aql.search(ws, 'objectType = Device', { startAt: 0, maxResults: 1 })
const id = Number(first.values[0]!.id)
await services.objects.get(ws, id)

// The engine: first load, 10 % changed / 5 % gone / 5 % new, unchanged.
const source = await services.importSources.create(ws, { name: 'plans', type: 'external' })
await services.mappings.submit(ws, source.id, 'PUT', hardwareDocument)
const csv = path.join(dir, 'a.csv')
writeCsv(csv, { n: rows })
await runEngine(services, ws, source.id, csvChunks(csv, HARDWARE_ROOT))
const csv2 = path.join(dir, 'b.csv')
writeCsv(csv2, { n: rows, changedEvery: 10, goneEvery: 20, extra: Math.floor(rows / 20) })
await runEngine(services, ws, source.id, csvChunks(csv2, HARDWARE_ROOT))
await runEngine(services, ws, source.id, csvChunks(csv2, HARDWARE_ROOT))

const indexes = (
  handleOf()
    .prepare(`select name from sqlite_master where type = 'index' and tbl_name = 'object' order by name`)
    .all() as { name: string }[]
).map((r) => r.name)
const uses = new Map<string, string[]>()
let explained = 0
let failed = 0
proto.prepare = prepare
for (const text of [...texts.keys()]) {
  const handle = live!
  let plan: { detail: string }[]
  try {
    // Every parameter null (the plan does not depend on the values without statistics).
    const anonymous = Array.from({ length: (text.match(/\?/g) ?? []).length }, () => null)
    const named = Object.fromEntries([...new Set(text.match(/@\w+/g) ?? [])].map((p) => [p.slice(1), null]))
    plan = handle.prepare(`explain query plan ${text}`).all(anonymous, named) as { detail: string }[]
  } catch (error) {
    if (verbose && !/^\s*(create|alter|drop)\b/i.test(text))
      console.log(`not explained: ${(error as Error).message}: ${text.slice(0, 200)}`)
    failed++ // a temporary table of an execution that is gone, or a statement of a closed connection
    continue
  }
  explained++
  // Index names are unique in the database: a plan line naming one of object's reads it (whatever the alias).
  const found = new Set<string>()
  for (const { detail } of plan) {
    const m = / USING (?:COVERING )?INDEX (\w+)/.exec(detail)
    if (m && indexes.includes(m[1]!)) found.add(m[1]!)
  }
  for (const f of found)
    (uses.get(f) ?? uses.set(f, []).get(f)!).push(text.replace(/\s+/g, ' ').slice(0, 160))
}
console.log(
  `${texts.size} statements naming object, ${explained} explained, ${failed} not (temporary tables gone)`,
)
for (const name of indexes)
  console.log(`${String(uses.get(name)?.length ?? 0).padStart(4)} statements read ${name}`)
if (verbose)
  for (const [name, list] of uses) {
    console.log(`--- ${name}`)
    for (const t of list) console.log(`  ${t}`)
  }
await booted.close()
fs.rmSync(dir, { recursive: true, force: true })

function handleOf(): SqliteDatabase.Database {
  return live!
}
