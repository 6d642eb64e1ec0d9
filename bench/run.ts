/**
 * `npm run bench` — Intake's benchmark. Runs on SQLite in a temp directory, and on PostgreSQL too when
 * DATABASE_URL points at one (a scratch database is created next to it and dropped afterwards).
 * Scenarios so far: repository object writes through the service, and object reads through the HTTP API.
 * The engine, AQL and import issues add theirs here. Results print as a Markdown table and go to bench/out/.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { loadConfig } from '../src/config/config.js'
import { buildApp } from '../src/http/app.js'
import { bootstrap } from '../src/main.js'

const N = Number(process.argv.find((a) => a.startsWith('--objects='))?.split('=')[1] ?? 5000)
const READS = 500

interface Row {
  engine: string
  scenario: string
  count: number
  seconds: number
  rate: string
  extra: string
}

interface ScratchDatabase {
  name: string
  env: Record<string, string>
  drop: () => Promise<void>
}

async function scratchDatabases(): Promise<ScratchDatabase[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-bench-'))
  const out: ScratchDatabase[] = [
    {
      name: 'sqlite',
      env: { INTAKE_DATA_DIR: dir },
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    },
  ]
  const url = process.env.DATABASE_URL
  if (url && /^postgres/.test(url)) {
    const db = `intake_bench_${randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`create database ${db}`)
    await admin.end()
    const u = new URL(url)
    u.pathname = `/${db}`
    out.push({
      name: 'postgres',
      env: { INTAKE_DATA_DIR: dir, DATABASE_URL: u.toString() },
      drop: async () => {
        const c = new pg.Client({ connectionString: url })
        await c.connect()
        await c.query(`drop database if exists ${db} with (force)`)
        await c.end()
      },
    })
  }
  return out
}

async function benchEngine(name: string, env: Record<string, string>): Promise<Row[]> {
  const booted = await bootstrap(
    loadConfig({ ...env, INTAKE_ADMIN_TOKEN: 'bench-admin-token-0123456789', LOG_LEVEL: 'silent' }),
  )
  const { services } = booted
  const ws = booted.workspaceId
  const schema = await services.schemas.createSchema(ws, { name: 'Bench', objectSchemaKey: 'BEN' })
  const type = await services.schemas.createType(ws, { objectSchemaId: schema.id, name: 'Device' })
  await services.schemas.createAttribute(ws, type.id, { name: 'Name', kind: 'text', label: true })
  await services.schemas.createAttribute(ws, type.id, { name: 'Size', kind: 'integer' })
  await services.schemas.createAttribute(ws, type.id, { name: 'Bought', kind: 'date' })
  await services.schemas.createAttribute(ws, type.id, { name: 'Owner', kind: 'email' })
  await services.schemas.createAttribute(ws, type.id, { name: 'IP', kind: 'ipaddress' })

  const t0 = performance.now()
  const ids: number[] = []
  await services.store.db.transaction().execute(async (trx) => {
    const objects = services.objects.in(trx)
    for (let i = 0; i < N; i++) {
      const o = await objects.create(ws, {
        objectTypeId: type.id,
        attributes: [
          { attribute: 'Name', values: [`device-${i}`] },
          { attribute: 'Size', values: [i * 1024] },
          { attribute: 'Bought', values: ['2024-01-15'] },
          { attribute: 'Owner', values: [`user${i % 100}@example.com`] },
          { attribute: 'IP', values: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`] },
        ],
      })
      ids.push(o.id)
    }
  })
  const writeSeconds = (performance.now() - t0) / 1000

  const app = await buildApp(services)
  const api = `/jsm/assets/workspace/${ws}/v1`
  const latencies: number[] = []
  for (let i = 0; i < READS; i++) {
    const id = ids[(i * 7919) % ids.length]!
    const s = performance.now()
    const res = await app.inject({
      method: 'GET',
      url: `${api}/object/${id}`,
      headers: { authorization: 'Bearer bench-admin-token-0123456789' },
    })
    latencies.push(performance.now() - s)
    if (res.statusCode !== 200) throw new Error(`read failed: ${res.statusCode}`)
  }
  await app.close()
  await booted.close()
  latencies.sort((a, b) => a - b)
  const pct = (p: number) => latencies[Math.floor((latencies.length - 1) * p)]!.toFixed(2)
  const readSeconds = latencies.reduce((a, b) => a + b, 0) / 1000
  return [
    {
      engine: name,
      scenario: 'object create via service (one transaction, 5 attributes)',
      count: N,
      seconds: writeSeconds,
      rate: `${Math.round(N / writeSeconds)} objects/s`,
      extra: '',
    },
    {
      engine: name,
      scenario: 'GET object/{id} (inject)',
      count: READS,
      seconds: readSeconds,
      rate: `${Math.round(READS / readSeconds)} req/s`,
      extra: `p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms`,
    },
  ]
}

const rows: Row[] = []
for (const db of await scratchDatabases()) {
  try {
    rows.push(...(await benchEngine(db.name, db.env)))
  } finally {
    await db.drop()
  }
}
const rss = (process.resourceUsage().maxRSS / 1024).toFixed(0)
const table = [
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; peak RSS ${rss} MB`,
  '',
  '| engine | scenario | n | seconds | rate | latency |',
  '| --- | --- | ---: | ---: | ---: | --- |',
  ...rows.map(
    (r) => `| ${r.engine} | ${r.scenario} | ${r.count} | ${r.seconds.toFixed(2)} | ${r.rate} | ${r.extra} |`,
  ),
].join('\n')
fs.mkdirSync('bench/out', { recursive: true })
fs.writeFileSync('bench/out/latest.md', table + '\n')
process.stdout.write(table + '\n')
