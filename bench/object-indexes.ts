/**
 * What each secondary index of `object` costs a first load, and what the label's trigram index buys (decision 0012):
 * `npx tsx bench/object-indexes.ts --rows=100000 [--reps=3] [--no-sqlite] [--no-pg] [--like=1000000]`.
 *
 * Write: in a scratch database migrated to the latest schema, `--rows` object rows like the engine's (key
 * `HW-n`, label `Device n`, an identity) are loaded into an empty `object` table in one transaction — one prepared
 * insert per row on SQLite, one COPY on PostgreSQL — under each variant of the table's indexes, the variants
 * alternating within each repetition. Reported: CPU ms of the process doing the work (SQLite: this process;
 * PostgreSQL: the backend, from /proc/<pid>/stat) and wall ms; for GIN variants also the CPU of flushing what the
 * pending list still holds after the load (`gin_clean_pending_list`), which vacuum or the next insert would pay.
 *
 * Like (`--like=N`, PostgreSQL): the AQL benchmark's repository of N objects, then `label like …` through
 * AqlService.search (count + first page of 25) with and without the trigram index, alternating, median of 5.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import SqliteDatabase from 'better-sqlite3'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { loadConfig } from '../src/config/config.js'
import { bootstrap } from '../src/main.js'
import { loadAqlRepository } from './aql/aql-data.js'
import { idNumberRepository } from '../src/store/repositories/id-number.repository.js'

const arg = (name: string, fallback: number): number =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback)
const ROWS = arg('rows', 100_000)
const REPS = arg('reps', 3)
const LIKE = arg('like', 0)
const ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres'
const NOW = '2026-01-01T00:00:00.000Z'

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')

interface Variant {
  name: string
  /** Statements run on the empty table before the load (outside the timing). */
  setup: string[]
  /** Session settings for the load (PostgreSQL). */
  session?: string[]
  gin?: boolean
}

const KEY_CI_SQLITE = 'create index object_key_ci_idx on object (workspace_no, lower(object_key))'
const KEY_CI_PG = 'create index object_key_ci_idx on object (workspace_no, lower(object_key collate "C"))'
const TRGM = (opts: string) =>
  `create index object_label_trgm_idx on object using gin (label_ci gin_trgm_ops)${opts}`
const DROP = ['drop index if exists object_key_ci_idx', 'drop index if exists object_label_trgm_idx']

const SQLITE_VARIANTS: Variant[] = [
  { name: 'with object_key_ci_idx (before 0027)', setup: [...DROP, KEY_CI_SQLITE] },
  { name: 'without (0027)', setup: DROP },
]
const PG_VARIANTS: Variant[] = [
  { name: 'key_ci + trgm (before 0027)', setup: [...DROP, KEY_CI_PG, TRGM('')], gin: true },
  { name: 'trgm, fastupdate default (4MB)', setup: [...DROP, TRGM('')], gin: true },
  {
    name: 'trgm, gin_pending_list_limit 64MB',
    setup: [...DROP, TRGM('')],
    session: ["set gin_pending_list_limit = '64MB'"],
    gin: true,
  },
  { name: 'trgm, fastupdate off', setup: [...DROP, TRGM(' with (fastupdate = off)')], gin: true },
  { name: 'no key_ci, no trgm', setup: DROP },
]

function objectRow(i: number, ids: Ids): string[] {
  return [
    ids.ws,
    String(ids.schema),
    String(ids.type),
    `HW-${i + 1}`,
    `Device ${i}`,
    `device ${i}`,
    `asset-${i}`,
    String(ids.source),
    `h${i}`,
    '{}',
    NOW,
    NOW,
  ]
}
const COLUMNS = [
  'workspace_no',
  'object_schema_id',
  'object_type_id',
  'object_key',
  'label',
  'label_ci',
  'identity',
  'import_source_no',
  'content_hash',
  'attribute_values',
  'created_at',
  'updated_at',
]

interface Ids {
  ws: string
  schema: number
  type: number
  source: number
}

/** A workspace, schema, type and import source to own the rows (via the services, on a migrated database). */
async function prepare(env: Record<string, string>): Promise<Ids> {
  const booted = await bootstrap(
    loadConfig({ ...env, INTAKE_ADMIN_TOKEN: 'bench-admin-token-0123456789', LOG_LEVEL: 'silent' }),
  )
  try {
    const { services } = booted
    const ws = booted.workspaceId
    const schema = await services.schemas.createSchema(ws, { name: 'Bench', objectSchemaKey: 'HW' })
    const type = await services.schemas.createType(ws, { objectSchemaId: schema.id, name: 'Hardware' })
    const source = await services.importSources.create(ws, { name: 'bench', type: 'external' })
    // The object row names its workspace and source by number (id_number, migration 0032).
    const db = services.store.db
    return {
      ws: String(await idNumberRepository.intern(db, ws)),
      schema: schema.id,
      type: type.id,
      source: await idNumberRepository.intern(db, source.id),
    }
  } finally {
    await booted.close()
  }
}

const cpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

async function sqliteWrites(): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'indexes-b-'))
  const out: string[] = []
  try {
    const ids = await prepare({ INTAKE_DATA_DIR: dir })
    const db = new SqliteDatabase(path.join(dir, 'intake.db'))
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    db.pragma('cache_size = -65536')
    const insert = db.prepare(
      `insert into object (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`,
    )
    const results = new Map<string, { cpu: number[]; wall: number[] }>()
    for (let rep = 0; rep < REPS; rep++) {
      for (const v of rep % 2 ? [...SQLITE_VARIANTS].reverse() : SQLITE_VARIANTS) {
        db.exec('delete from object')
        db.exec('vacuum')
        for (const s of v.setup) db.exec(s)
        const c0 = cpuMs()
        const w0 = performance.now()
        db.transaction(() => {
          for (let i = 0; i < ROWS; i++) insert.run(objectRow(i, ids))
        })()
        const r = results.get(v.name) ?? { cpu: [], wall: [] }
        r.cpu.push(cpuMs() - c0)
        r.wall.push(performance.now() - w0)
        results.set(v.name, r)
        console.log(`sqlite ${v.name}: cpu ${(cpuMs() - c0).toFixed(0)} ms (load ${load()})`)
      }
    }
    db.close()
    for (const v of SQLITE_VARIANTS) {
      const r = results.get(v.name)!
      out.push(`| sqlite | ${v.name} | ${fmt(r.cpu)} | ${fmt(r.wall)} | — |`)
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
  return out
}

/** utime + stime of a process, in ms (clock ticks of 10 ms). */
function procCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

async function withScratchPg<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `indexes_${randomBytes(4).toString('hex')}`
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: ADMIN })
    await c.connect()
    await c.query(q)
    await c.end()
  }
  await admin(`create database ${name}`)
  try {
    return await fn(`postgres://postgres@127.0.0.1:5432/${name}`)
  } finally {
    await admin(`drop database if exists ${name} with (force)`)
  }
}

function csvField(v: string): string {
  return /[\t\n\\]/.test(v) ? v.replace(/[\t\n\\]/g, (c) => `\\${c}`) : v
}

async function pgWrites(): Promise<string[]> {
  return withScratchPg(async (url) => {
    const ids = await prepare({ INTAKE_DATA_DIR: os.tmpdir(), DATABASE_URL: url })
    const results = new Map<string, { cpu: number[]; wall: number[]; flush: number[] }>()
    for (let rep = 0; rep < REPS; rep++) {
      for (const v of rep % 2 ? [...PG_VARIANTS].reverse() : PG_VARIANTS) {
        const c = new pg.Client({ connectionString: url })
        await c.connect()
        try {
          await c.query('truncate object cascade')
          for (const s of v.setup) await c.query(s)
          await c.query('checkpoint')
          for (const s of v.session ?? []) await c.query(s)
          const pid = (await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid
          const c0 = procCpuMs(pid)
          const w0 = performance.now()
          await c.query('begin')
          const lines = (function* () {
            for (let i = 0; i < ROWS; i++) yield objectRow(i, ids).map(csvField).join('\t') + '\n'
          })()
          await pipeline(
            Readable.from(lines),
            c.query(copyFrom(`copy object (${COLUMNS.join(', ')}) from stdin`)),
          )
          await c.query('commit')
          const cpu = procCpuMs(pid) - c0
          const wall = performance.now() - w0
          let flush = 0
          if (v.gin) {
            const f0 = procCpuMs(pid)
            await c.query(`select gin_clean_pending_list('object_label_trgm_idx')`)
            flush = procCpuMs(pid) - f0
          }
          const r = results.get(v.name) ?? { cpu: [], wall: [], flush: [] }
          r.cpu.push(cpu)
          r.wall.push(wall)
          r.flush.push(flush)
          results.set(v.name, r)
          console.log(
            `postgres ${v.name}: cpu ${cpu} ms, flush ${flush} ms, wall ${wall.toFixed(0)} (load ${load()})`,
          )
        } finally {
          await c.end()
        }
      }
    }
    return PG_VARIANTS.map((v) => {
      const r = results.get(v.name)!
      return `| postgres | ${v.name} | ${fmt(r.cpu)} | ${fmt(r.wall)} | ${v.gin ? fmt(r.flush) : '—'} |`
    })
  })
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
const fmt = (xs: number[]) => `${median(xs).toFixed(0)} (${xs.map((x) => x.toFixed(0)).join(', ')})`

async function likeQueries(): Promise<string[]> {
  return withScratchPg(async (url) => {
    const booted = await bootstrap(
      loadConfig({
        INTAKE_DATA_DIR: os.tmpdir(),
        DATABASE_URL: url,
        INTAKE_ADMIN_TOKEN: 'bench-admin-token-0123456789',
        LOG_LEVEL: 'silent',
      }),
    )
    try {
      const { services } = booted
      const { sql } = await import('kysely')
      const db = services.store.db
      console.log(`postgres: loading ${LIKE} objects (load ${load()})`)
      const repo = await loadAqlRepository(services, booted.workspaceId, LIKE, console.log)
      await sql`analyze`.execute(db)
      const middle = repo.persons + Math.floor(repo.devices / 2)
      const serial = `SN-${String(middle).padStart(7, '0')}`
      const queries = [
        'label like "abc"',
        'label like "dev-1a"',
        'label like "person 0001"',
        'label like "zzzzzz"',
        'objectType = Device AND label like "abc"',
        'label startswith "dev-zz"',
        // The rest of the AQL benchmark's queries (bench/aql/aql.bench.ts): none of them may need the index.
        `Key = "AQB-${middle}"`,
        `objectType = Device AND Serial = "${serial}"`,
        `objectType = Device AND Owner = "${repo.personLabel}"`,
        'objectType = Device AND Vendor = "Vendor 3"',
        'objectType = Device',
        'objectType = Device AND Size >= 999000 order by Size desc',
        `object having inboundReferences(Serial = "${serial}")`,
      ]
      const times = new Map<string, number[]>()
      const totals = new Map<string, number>()
      const out: string[] = []
      for (let rep = 0; rep < 2; rep++) {
        for (const withIndex of rep % 2 ? [false, true] : [true, false]) {
          if (withIndex) {
            const t0 = performance.now()
            await sql`create index if not exists object_label_trgm_idx on object using gin (label_ci gin_trgm_ops)`.execute(
              db,
            )
            out.push(`create index (rep ${rep}): ${(performance.now() - t0).toFixed(0)} ms`)
          } else await sql`drop index if exists object_label_trgm_idx`.execute(db)
          await sql`analyze object`.execute(db)
          for (const q of queries) {
            const run = async () => {
              const s = performance.now()
              const page = await services.aql.search(repo.ws, q, { startAt: 0, maxResults: 25 })
              totals.set(q, page.total)
              return performance.now() - s
            }
            await run()
            const key = `${q}|${withIndex}`
            const list = times.get(key) ?? []
            for (let i = 0; i < 5; i++) list.push(await run())
            times.set(key, list)
          }
          console.log(`like pass with index=${withIndex} done (load ${load()})`)
        }
      }
      out.push('| query | matches | with trigram ms | without ms |', '| --- | ---: | ---: | ---: |')
      for (const q of queries)
        out.push(
          `| \`${q}\` | ${totals.get(q)} | ${median(times.get(`${q}|true`)!).toFixed(1)} | ${median(times.get(`${q}|false`)!).toFixed(1)} |`,
        )
      return out
    } finally {
      await booted.close()
    }
  })
}

const lines: string[] = [`load at start ${load()}`]
if (LIKE > 0) lines.push(...(await likeQueries()))
else {
  lines.push(
    '| db | indexes | CPU ms median (runs) | wall ms median (runs) | GIN pending-list flush CPU ms |',
  )
  lines.push('| --- | --- | ---: | ---: | ---: |')
  if (!process.argv.includes('--no-sqlite')) lines.push(...(await sqliteWrites()))
  if (!process.argv.includes('--no-pg')) lines.push(...(await pgWrites()))
}
lines.push(`load at end ${load()}`)
console.log(lines.join('\n'))
