/**
 * The object API under load (issue 11, item 7): what people and integrations call all day, over real HTTP, against
 * a server started the way users start it (`npm start`'s node command as a child process, see server-process.ts;
 * run `npm run build` first) holding N objects.
 *
 * The N hardware objects (the engine benchmark's rows, one type with a self-reference) are loaded through the push
 * API, as a client loads them (timed). Then autocannon drives each case for --duration seconds (default 10) with
 * --connections connections (default 10; GET object/{id} also with 50):
 *   GET object/{id}        random existing ids
 *   POST object/aql        Name = "Device k" (equality on the label, random k); objectType = Hardware (first page
 *                          of 25, with the total); Parent.Name = "Device k" (a reference hop: k's ten children)
 *   POST object/create     a new Hardware object per request (unique Asset ID and Serial)
 * Every case reports req/s, p50 / p99 latency, the server's CPU time per request (what a request costs, whatever
 * else a shared machine runs), non-2xx answers and errors (both must be 0), and the server's RSS after it; the server's peak RSS (VmHWM) over the whole run closes the table.
 *
 *   npx tsx bench/objectapi.bench.ts --rows=N [--pg] [--db=sqlite,postgres] [--duration=S] [--connections=C]
 *       [--cpu-prof]   (the server writes a V8 CPU profile to bench/out/profiles when it stops)
 *       [--cases=get,create]   only the cases whose name contains one of these
 *       [--push-again]   push the same rows again (an unchanged re-import; its time and the server's peak RSS)
 *   npm run bench -- --only=objectapi [--rows=N]
 * --pg adds PostgreSQL (a scratch database beside DATABASE_URL, else INTAKE_TEST_PG_URL, else the local server).
 */
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import autocannon, { type Result } from 'autocannon'
import { BENCH_TOKEN, httpClient } from './bench-kit.js'
import { pushHardware } from './http.bench.js'
import { scratchDatabases } from './scratch.js'
import { startServerProcess } from './server-process.js'

export interface ObjectApiOptions {
  durationSeconds: number
  connections: number
  cpuProfile: boolean
  /** Only the cases whose name contains one of these (case-insensitive); all when empty. */
  cases: string[]
  /** Pushes the same rows a second time (an unchanged re-import) before the cases (`--push-again`). */
  pushAgain: boolean
}

export interface ObjectApiRow {
  engine: string
  objects: number
  /** Loading the N objects through the push API: POST executions → DONE. */
  loadSeconds: number
  case: string
  connections: number
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  requests: number
  non2xx: number
  errors: number
  /**
   * The server's CPU time per answered request (user + system, ms): what a request costs whatever else the machine
   * runs; one core serves about 1,000 / this many requests a second.
   */
  serverCpuMsPerRequest: number
  /** The server's RSS after the case, and its peak (VmHWM) since it started. */
  serverRssMb: number
  serverPeakRssMb: number
}

interface FoundPage {
  total: number
  values: { id: string; objectType: { id: string } }[]
}

/** One case: `build` gives each request (called per request, so ids and bodies vary). */
interface Case {
  name: string
  connections: number
  method: 'GET' | 'POST'
  build: () => { path: string; body?: string }
}

/** A deterministic sequence in [0, n) spread over the whole range (so no cache of a few rows flatters it). */
function spread(n: number): () => number {
  let k = 0
  return () => (k = (k + 7_919_993) % n)
}

function cases(
  apiPath: string,
  n: number,
  firstId: number,
  typeId: string,
  attr: Map<string, string>,
  connections: number,
): Case[] {
  const pick = spread(n)
  const aql = (qlQuery: string, maxResults = 25) => ({
    path: `${apiPath}/object/aql?startAt=0&maxResults=${maxResults}`,
    body: JSON.stringify({ qlQuery }),
  })
  let created = 0
  const value = (name: string, v: string) => ({
    objectTypeAttributeId: attr.get(name)!,
    objectAttributeValues: [{ value: v }],
  })
  return [
    ...[connections, 50].map((c): Case => ({
      name: 'GET object/{id}',
      connections: c,
      method: 'GET',
      build: () => ({ path: `${apiPath}/object/${firstId + pick()}` }),
    })),
    {
      name: 'POST object/aql: Name = "Device k" (label equality)',
      connections,
      method: 'POST',
      build: () => aql(`Name = "Device ${pick()}"`),
    },
    {
      name: 'POST object/aql: objectType = Hardware (first page, total)',
      connections,
      method: 'POST',
      build: () => aql('objectType = Hardware'),
    },
    {
      name: 'POST object/aql: Parent.Name = "Device k" (reference hop)',
      connections,
      method: 'POST',
      build: () => aql(`Parent.Name = "Device ${1 + (pick() % Math.max(1, Math.floor(n / 10) - 1))}"`),
    },
    {
      name: 'POST object/create',
      connections,
      method: 'POST',
      build: () => {
        const k = created++
        return {
          path: `${apiPath}/object/create`,
          body: JSON.stringify({
            objectTypeId: typeId,
            attributes: [
              value('Asset ID', `api-${k}`),
              value('Name', `API device ${k}`),
              value('Serial', `API-SN-${k}`),
              value('Manufacturer', 'Dell'),
              value('Status', 'In Service'),
            ],
          }),
        }
      },
    },
  ]
}

/**
 * Waits until the server answers a GET at once again (up to 120 s): requests a case left queued on the server
 * (autocannon stops sending, not the server working) must not be charged to the next case.
 */
async function settle(url: string, probePath: string): Promise<void> {
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    const t0 = performance.now()
    const ok = await fetch(`${url}${probePath}`, {
      headers: { authorization: `Bearer ${BENCH_TOKEN}` },
    }).then(
      (r) => r.ok,
      () => false,
    )
    if (ok && performance.now() - t0 < 250) return
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

async function drive(url: string, c: Case, durationSeconds: number): Promise<Result> {
  return autocannon({
    url,
    connections: c.connections,
    duration: durationSeconds,
    headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' },
    requests: [
      {
        method: c.method,
        setupRequest: (req) => {
          const next = c.build()
          return { ...req, path: next.path, ...(next.body === undefined ? {} : { body: next.body }) }
        },
      },
    ],
  })
}

/** Starts a server on `env`, loads n objects through the push API, then drives every case. */
export async function benchObjectApi(
  engine: 'sqlite' | 'postgres',
  env: Record<string, string>,
  n: number,
  log: (s: string) => void,
  options: ObjectApiOptions,
): Promise<ObjectApiRow[]> {
  const profileDir = path.resolve('bench/out/profiles')
  if (options.cpuProfile) fs.mkdirSync(profileDir, { recursive: true })
  const server = await startServerProcess(env, {
    nodeArgs: options.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  })
  const client = httpClient()
  const rows: ObjectApiRow[] = []
  try {
    const apiPath = `/jsm/assets/workspace/${server.workspaceId}/v1`
    const api = `${server.url}${apiPath}`
    const push = await pushHardware(client, api, n, `${engine} objectapi`, log)
    log(
      `${engine} objectapi: ${n} objects loaded through the push API in ${push.endToEndSeconds.toFixed(1)} s (${Math.round(n / push.endToEndSeconds)} objects/s), server RSS ${server.rssMb()} MB, peak ${server.peakRssMb()} MB`,
    )
    if (options.pushAgain) {
      // The same rows again into the same source: an unchanged re-import, whose peak RSS (the owned table: ~38 MB
      // per million objects) is read here, before the cases.
      const again = await pushHardware(client, api, n, `${engine} objectapi`, log, undefined, {
        sourceId: push.sourceId,
      })
      log(
        `${engine} objectapi: ${n} objects pushed again (unchanged) in ${again.endToEndSeconds.toFixed(1)} s (ingest ${again.ingestSeconds.toFixed(1)}, processing ${again.processingSeconds.toFixed(1)}), server RSS ${server.rssMb()} MB, peak ${server.peakRssMb()} MB`,
      )
    }
    const find = (qlQuery: string) =>
      client.expect<FoundPage>(200, 'POST', `${api}/object/aql?maxResults=1`, { json: { qlQuery } })
    const first = (await find('"Asset ID" = "asset-0"')).values[0]
    const last = (await find(`"Asset ID" = "asset-${n - 1}"`)).values[0]
    if (!first || !last) throw new Error('the loaded objects are not found by AQL')
    const firstId = Number(first.id)
    if (Number(last.id) - firstId + 1 !== n) {
      throw new Error(
        `the loaded objects' ids are not contiguous (${first.id} … ${last.id} for ${n} objects)`,
      )
    }
    const typeId = first.objectType.id
    const attributes = await client.expect<{ id: string; name: string }[]>(
      200,
      'GET',
      `${api}/objecttype/${typeId}/attributes`,
    )
    const attr = new Map(attributes.map((a) => [a.name, a.id]))
    const chosen = cases(apiPath, n, firstId, typeId, attr, options.connections).filter(
      (c) => options.cases.length === 0 || options.cases.some((k) => c.name.toLowerCase().includes(k)),
    )
    for (const c of chosen) {
      await settle(server.url, `${apiPath}/object/${firstId}`)
      const cpuBefore = server.cpuSeconds()
      const r = await drive(server.url, c, options.durationSeconds)
      const cpuMs = (server.cpuSeconds() - cpuBefore) * 1000
      const row: ObjectApiRow = {
        engine,
        objects: n,
        loadSeconds: push.endToEndSeconds,
        case: c.name,
        connections: c.connections,
        requestsPerSecond: r.requests.average,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        requests: r.requests.total,
        non2xx: r.non2xx,
        errors: r.errors + r.timeouts,
        serverCpuMsPerRequest: cpuMs / Math.max(1, r.requests.total),
        serverRssMb: server.rssMb(),
        serverPeakRssMb: server.peakRssMb(),
      }
      rows.push(row)
      log(
        `${engine} objectapi: ${c.name} ×${c.connections}: ${Math.round(row.requestsPerSecond)} req/s, p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, server CPU ${row.serverCpuMsPerRequest.toFixed(2)} ms/request, ${row.non2xx} non-2xx ${JSON.stringify(r.statusCodeStats)}, ${row.errors} errors, server RSS ${row.serverRssMb} MB (peak ${row.serverPeakRssMb} MB)`,
      )
    }
  } finally {
    client.close()
    await server.stop()
  }
  return rows
}

export function objectApiTable(rows: readonly ObjectApiRow[]): string {
  return [
    '| engine | objects | load s (objects/s) | case | connections | req/s | p50 ms | p99 ms | requests | server CPU ms/request | non-2xx / errors | server RSS MB (peak) |',
    '| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.engine} | ${r.objects} | ${r.loadSeconds.toFixed(1)} (${Math.round(r.objects / r.loadSeconds)}) | ${r.case.replace(/\|/g, '\\|')} | ${r.connections} | ${Math.round(r.requestsPerSecond)} | ${r.p50Ms} | ${r.p99Ms} | ${r.requests} | ${r.serverCpuMsPerRequest.toFixed(2)} | ${r.non2xx} / ${r.errors} | ${r.serverRssMb} (${r.serverPeakRssMb}) |`,
    ),
  ].join('\n')
}

const arg = (name: string, fallback: number): number =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback)

/** Options shared by `npm run bench -- --only=objectapi` and running this file directly. */
export function objectApiOptions(): ObjectApiOptions {
  return {
    durationSeconds: arg('duration', 10),
    connections: arg('connections', 10),
    cpuProfile: process.argv.includes('--cpu-prof'),
    pushAgain: process.argv.includes('--push-again'),
    cases:
      process.argv
        .find((a) => a.startsWith('--cases='))
        ?.slice('--cases='.length)
        .toLowerCase()
        .split(',')
        .filter((k) => k !== '') ?? [],
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const log = (line: string): void => void process.stderr.write(`${line}\n`)
  const pgUrl = process.argv.includes('--pg')
    ? (process.env.DATABASE_URL ??
      process.env.INTAKE_TEST_PG_URL ??
      'postgres://postgres@127.0.0.1:5432/postgres')
    : undefined
  const only = process.argv
    .find((a) => a.startsWith('--db='))
    ?.split('=')[1]
    ?.split(',')
  const rows: ObjectApiRow[] = []
  for (const db of await scratchDatabases(pgUrl)) {
    try {
      if (only && !only.includes(db.name)) continue
      log(`== objectapi on ${db.name}`)
      rows.push(...(await benchObjectApi(db.name, db.env, arg('rows', 1_000_000), log, objectApiOptions())))
    } finally {
      await db.drop()
    }
  }
  process.stdout.write(objectApiTable(rows) + '\n')
}
