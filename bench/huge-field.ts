/**
 * `npx tsx bench/huge-field.ts [--mb=50] [--columns=1000000]` — the two files of issue 13 item 4, through a real
 * server in this process (SQLite in a temp directory, an in-process worker):
 * - a CSV with one field of --mb MB: upload, discover with generate, import; peak RSS and heap, the longest event
 *   loop stall, and the time of each step;
 * - a CSV whose header has --columns columns: discover with generate (refused by INTAKE_SOURCE_MAX_COLUMNS); its time
 *   and the longest stall.
 * Figures go to stdout as a Markdown table; docs/benchmarks.md keeps the ones measured.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig } from '../src/config/config.js'
import { buildApp } from '../src/http/app.js'
import { startExecutionWorker } from '../src/jobs/execution-worker.js'
import { bootstrap } from '../src/main.js'
import { BENCH_TOKEN, httpClient, stallTracker } from './bench-kit.js'

const arg = (name: string, fallback: number): number =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback)
const MB = arg('mb', 50)
const COLUMNS = arg('columns', 1_000_000)

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-huge-field-'))
const config = loadConfig({ INTAKE_DATA_DIR: dir, INTAKE_ADMIN_TOKEN: BENCH_TOKEN, LOG_LEVEL: 'silent' })
const booted = await bootstrap(config)
const app = await buildApp(booted.services)
await app.listen({ port: 0, host: '127.0.0.1' })
const worker = startExecutionWorker(booted.services, { pollMs: 20 })
const address = app.server.address()
const port = typeof address === 'object' && address ? address.port : 0
const api = `http://127.0.0.1:${port}/jsm/assets/workspace/${booted.workspaceId}/v1`
const client = httpClient()

/** Peak RSS and heap (sampled every 10 ms) and the longest event loop stall while `fn` runs. */
async function measured<T>(fn: () => Promise<T>) {
  let rss = 0
  let heap = 0
  const sample = () => {
    const m = process.memoryUsage()
    rss = Math.max(rss, m.rss)
    heap = Math.max(heap, m.heapUsed)
  }
  const timer = setInterval(sample, 10)
  const stalls = stallTracker()
  const started = performance.now()
  try {
    const value = await fn()
    sample()
    return {
      value,
      ms: Math.round(performance.now() - started),
      rssMb: Math.round(rss / 2 ** 20),
      heapMb: Math.round(heap / 2 ** 20),
      stallMs: Math.round(stalls.stop()),
    }
  } finally {
    clearInterval(timer)
  }
}

type Source = { id: string }
const rows: string[] = []
const row = (what: string, m: { ms: number; rssMb: number; heapMb: number; stallMs: number }, note = '') =>
  rows.push(`| ${what} | ${m.ms} | ${m.rssMb} | ${m.heapMb} | ${m.stallMs} | ${note} |`)

try {
  const baseline = process.memoryUsage()
  // 1. One field of MB megabytes.
  const huge = path.join(dir, 'huge.csv')
  const fd = fs.openSync(huge, 'w')
  fs.writeSync(fd, 'id,notes\nh1,short\nh2,')
  const piece = 'x'.repeat(1 << 20)
  for (let i = 0; i < MB; i++) fs.writeSync(fd, piece)
  fs.writeSync(fd, '\nh3,after\n')
  fs.closeSync(fd)
  const source = await client.expect<Source>(201, 'POST', `${api}/importsource`, {
    json: { name: 'huge field', type: 'csv' },
  })
  row(
    `upload (${MB} MB field)`,
    await measured(() =>
      client.expect(200, 'PUT', `${api}/importsource/${source.id}/file`, {
        file: huge,
        contentType: 'text/csv',
      }),
    ),
  )
  const discovered = await measured(() =>
    client.expect<{ document: unknown }>(
      200,
      'GET',
      `${api}/importsource/${source.id}/discover?generate=true`,
    ),
  )
  row('discover?generate=true', discovered, `answer ${JSON.stringify(discovered.value).length} bytes`)
  await client.expect(204, 'PUT', `${api}/importsource/${source.id}/mapping`, {
    json: discovered.value.document,
  })
  const imported = await measured(async () => {
    const started = await client.expect<{ resourceId: string }>(
      200,
      'POST',
      `${api}/import/start/${source.id}`,
    )
    for (;;) {
      const p = await client.expect<{ status: string }>(
        200,
        'GET',
        `${api}/progress/category/imports/${started.resourceId}`,
      )
      if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(p.status)) return p.status
      await new Promise((r) => setTimeout(r, 50))
    }
  })
  row('import', imported, imported.value)

  // 2. A header of COLUMNS columns.
  const wide = path.join(dir, 'wide.csv')
  fs.writeFileSync(wide, `${Array.from({ length: COLUMNS }, (_, c) => `column${c}`).join(',')}\n1,2,3\n`)
  const wideSource = await client.expect<Source>(201, 'POST', `${api}/importsource`, {
    json: { name: 'wide', type: 'csv' },
  })
  await client.expect(200, 'PUT', `${api}/importsource/${wideSource.id}/file`, {
    file: wide,
    contentType: 'text/csv',
  })
  const refused = await measured(() =>
    client.call('GET', `${api}/importsource/${wideSource.id}/discover?generate=true`),
  )
  row(
    `discover?generate=true (${COLUMNS} columns, ${(fs.statSync(wide).size / 2 ** 20).toFixed(1)} MB)`,
    refused,
    `HTTP ${refused.value.status}`,
  )

  console.log(
    `\nBaseline: RSS ${Math.round(baseline.rss / 2 ** 20)} MB, heap ${Math.round(baseline.heapUsed / 2 ** 20)} MB (node ${process.version}, ${os.cpus().length} cores)\n`,
  )
  console.log('| step | ms | peak RSS MB | peak heap MB | longest stall ms | |')
  console.log('| --- | ---: | ---: | ---: | ---: | --- |')
  for (const line of rows) console.log(line)
} finally {
  await worker.stop()
  await app.close()
  await booted.close()
  fs.rmSync(dir, { recursive: true, force: true })
}
