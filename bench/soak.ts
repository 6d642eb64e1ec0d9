/**
 * `npx tsx bench/soak.ts [--seconds=60] [--clients=8] [--seed=N]` — the long version of the fuzz suite
 * (test/integration/fuzz-routes.test.ts): for --seconds, --clients concurrent clients send generated requests to
 * every route of the OpenAPI document of a real server in this process (SQLite in a temp directory, or DATABASE_URL's
 * PostgreSQL; an in-process worker), while a probe asks /healthz every 100 ms. It stops by itself and prints, as
 * Markdown: requests and their statuses, 5xx and answers over 5 s (each with its request), the slowest answer, the
 * slowest /healthz, and the open file descriptors and RSS at the start, at their peak and at the end.
 * Traffic goes to 127.0.0.1 only. Exit code 1 when it saw a 5xx or a slow answer.
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { loadConfig } from '../src/config/config.js'
import { buildApp } from '../src/http/app.js'
import { startExecutionWorker } from '../src/jobs/execution-worker.js'
import { bootstrap } from '../src/main.js'
import {
  operationsOf,
  requestsFor,
  send,
  type FuzzRequest,
  type FuzzTargets,
} from '../test/helpers/route-fuzz.js'
import { BENCH_TOKEN, httpClient } from './bench-kit.js'

const arg = (name: string, fallback: number): number =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback)
const SECONDS = Math.min(arg('seconds', 60), 3600)
const CLIENTS = Math.min(arg('clients', 8), 64)
const SEED = arg('seed', 20261206)
const SLOW_MS = 5_000

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-soak-'))
const env: Record<string, string> = {
  INTAKE_DATA_DIR: dir,
  INTAKE_ADMIN_TOKEN: BENCH_TOKEN,
  LOG_LEVEL: 'silent',
  INTAKE_AUTH_FAILURE_LIMIT: '100000',
}
if (process.env.DATABASE_URL) env.DATABASE_URL = process.env.DATABASE_URL
const config = loadConfig(env)
const booted = await bootstrap(config)
const app = await buildApp(booted.services)
await app.listen({ port: 0, host: '127.0.0.1' })
const worker = startExecutionWorker(booted.services, { pollMs: 50 })
const address = app.server.address()
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
const api = `${base}/jsm/assets/workspace/${booted.workspaceId}/v1`

const openFds = (): number => fs.readdirSync('/proc/self/fd').length
const rssMb = (): number => Math.round(process.memoryUsage().rss / 2 ** 20)

/** A few real resources, so that requests reach past the lookups. */
async function targets(): Promise<FuzzTargets> {
  const client = httpClient()
  const ids: string[] = []
  for (const type of ['external', 'csv', 'json']) {
    const s = await client.expect<{ id: string }>(201, 'POST', `${api}/importsource`, {
      json: { name: `soak ${type}`, type },
    })
    ids.push(s.id)
  }
  const csvFile = path.join(dir, 'hosts.csv')
  fs.writeFileSync(
    csvFile,
    'id,name\n' + Array.from({ length: 50 }, (_, i) => `h${i},Host ${i}`).join('\n') + '\n',
  )
  await client.expect(200, 'PUT', `${api}/importsource/${ids[1]}/file`, {
    file: csvFile,
    contentType: 'text/csv',
  })
  const found = await client.expect<{ document: unknown }>(
    200,
    'GET',
    `${api}/importsource/${ids[1]}/discover?generate=true`,
  )
  await client.expect(204, 'PUT', `${api}/importsource/${ids[1]}/mapping`, { json: found.document })
  const started = await client.expect<{ resourceId: string }>(200, 'POST', `${api}/import/start/${ids[1]}`)
  return {
    workspaceId: booted.workspaceId,
    token: BENCH_TOKEN,
    importSourceIds: ids,
    executionIds: [started.resourceId],
    numericIds: [1, 2, 3, 4, 5],
  }
}

const fuzzTargets = await targets()
const operations = operationsOf(app.swagger() as Record<string, unknown>)
const streams = operations.map((op) => requestsFor(op, fuzzTargets))
const statuses = new Map<number, number>()
const bad: string[] = []
let sent = 0
let slowest = 0
let healthSlowest = 0
const start = { fds: openFds(), rss: rssMb() }
const peak = { ...start }
const deadline = Date.now() + SECONDS * 1000

const sampler = setInterval(() => {
  peak.fds = Math.max(peak.fds, openFds())
  peak.rss = Math.max(peak.rss, rssMb())
}, 250)

const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS })
async function client(index: number): Promise<void> {
  let batch = 0
  while (Date.now() < deadline) {
    // Each client draws its own seeded stream: 20 requests for each operation in turn.
    const stream = streams[(index + batch) % streams.length]!
    const requests = fc.sample(stream, { seed: SEED + index * 100_003 + batch, numRuns: 20 }) as FuzzRequest[]
    batch++
    for (const request of requests) {
      if (Date.now() >= deadline) return
      try {
        const answer = await send(base, agent, request, SLOW_MS * 2)
        sent++
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
        slowest = Math.max(slowest, answer.ms)
        if ((answer.status >= 500 || answer.ms > SLOW_MS) && bad.length < 20) {
          bad.push(
            `${request.method} ${request.url.slice(0, 160)} → ${answer.status} in ${Math.round(answer.ms)} ms`,
          )
        }
      } catch (error) {
        if (bad.length < 20)
          bad.push(`${request.method} ${request.url.slice(0, 160)}: ${(error as Error).message}`)
      }
    }
  }
}

async function probe(): Promise<void> {
  while (Date.now() < deadline) {
    const t = performance.now()
    await new Promise<void>((resolve) => {
      http
        .get(`${base}/healthz`, (res) => res.resume().on('end', () => resolve()))
        .on('error', () => resolve())
    })
    healthSlowest = Math.max(healthSlowest, performance.now() - t)
    await new Promise((r) => setTimeout(r, 100))
  }
}

try {
  await Promise.all([probe(), ...Array.from({ length: CLIENTS }, (_, i) => client(i))])
  agent.destroy()
  await new Promise((r) => setTimeout(r, 2_000))
  clearInterval(sampler)
  const end = { fds: openFds(), rss: rssMb() }
  const out = process.stdout
  out.write(
    `\nSoak: ${SECONDS} s, ${CLIENTS} clients, seed ${SEED}, ${config.database.dialect}, ${operations.length} operations, ` +
      `node ${process.version}, ${os.cpus().length} cores\n\n`,
  )
  out.write(
    '| requests | req/s | 5xx or > 5 s | slowest answer ms | slowest /healthz ms | fds start / peak / end | RSS MB start / peak / end |\n',
  )
  out.write('| ---: | ---: | ---: | ---: | ---: | --- | --- |\n')
  out.write(
    `| ${sent} | ${Math.round(sent / SECONDS)} | ${bad.length} | ${Math.round(slowest)} | ${Math.round(healthSlowest)} | ` +
      `${start.fds} / ${peak.fds} / ${end.fds} | ${start.rss} / ${peak.rss} / ${end.rss} |\n\n`,
  )
  out.write(`Statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}\n`)
  for (const line of bad) out.write(`- ${line}\n`)
  process.exitCode = bad.length > 0 ? 1 : 0
} finally {
  await worker.stop()
  await app.close()
  await booted.close()
  fs.rmSync(dir, { recursive: true, force: true })
}
