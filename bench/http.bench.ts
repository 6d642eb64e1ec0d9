/**
 * The push benchmark over HTTP (issue 6): N hardware entries — the very rows of the engine benchmark — pushed to a
 * real, listening Intake server (booted in this process by `startServer`, with its execution worker) exactly as a
 * client does: create the import source, PUT the schema + mapping, POST executions, POST the data in chunks of
 * 1,000 entries over one keep-alive connection (the last chunk with `completed: true`), then poll the status
 * every 250 ms until DONE. In the same run, the engine's own first load of the same N rows (a fresh database, the
 * CSV path of engine.bench.ts) gives the ratio end-to-end / engine first load (target ≤ 1.5×).
 *
 * The client shares this process (and its event loop) with the server, so the peak RSS is that of the server plus
 * a small client; the client's own work (building and serialising the chunks) is measured and shown apart. It also
 * means the client cannot see the server freeze (its timers wait with the server's), so the longest event-loop
 * stall during processing is measured and shown: what any request would have waited for at worst.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { loadConfig } from '../src/config/config.js'
import { engineSettingsFrom } from '../src/engine/engine-settings.js'
import type { ImportResult, TypeResult } from '../src/engine/result.js'
import { runImport } from '../src/engine/run-import.js'
import { startServer } from '../src/http/server.js'
import { createStore } from '../src/store/create-store.js'
import { bootstrap } from '../src/main.js'
import { csvChunks } from './engine/csv-chunks.js'
import { HEADER, row, writeCsv } from './engine/hardware-data.js'
import { hardwareDocument } from './engine/hardware-mapping.js'

const TOKEN = 'bench-admin-token-0123456789'
const CHUNK = 1000
const POLL_MS = 250

interface Started {
  executionId: string
  links: { submitResults: string; getExecutionStatus: string }
}
interface ExecutionTimes {
  completed: string | null
  started: string | null
  finished: string | null
}

type Phases = Pick<
  TypeResult,
  | 'readExternalDataTimeInMs'
  | 'mapExternalDataTimeInMs'
  | 'decidingActionsTimeInMs'
  | 'writeInsightDataTimeInMs'
  | 'postFunctionTimeInMs'
>

export interface HttpBenchRow {
  engine: string
  rows: number
  chunks: number
  /** Bytes of the data request bodies. */
  requestBytes: number
  /** First data chunk sent → the completing chunk answered. */
  ingestSeconds: number
  /** Of the ingest time, what the client spent building and serialising the chunks. */
  clientSeconds: number
  /** Completion answered → the status answered DONE (polled every 250 ms). */
  processingSeconds: number
  /** Of the processing: completion → the worker started, and the engine's run as the execution records it. */
  queueSeconds: number
  runSeconds: number
  /** POST executions → DONE. */
  endToEndSeconds: number
  /** The engine's first load of the same rows (runImport over the CSV, as engine.bench.ts). */
  engineSeconds: number
  /** The engine's phases: of the push's processing, and of the first load. */
  phases: Phases
  enginePhases: Phases
  /** Peak RSS of this process (server + worker + client) from boot to DONE, and of the engine's first load. */
  peakRssMb: number
  /** RSS of this process just before the server boots. */
  startRssMb: number
  enginePeakRssMb: number
  connections: number
  /** Status polls answered 503 DATABASE_BUSY (retried), and the slowest poll. */
  busyPolls: number
  slowestPollSeconds: number
  /** Status polls that failed on the connection (reset by the server) and were retried on a new one. */
  pollErrors: number
  /** The longest the event loop (server, worker and client share it) went unanswered during processing. */
  longestStallSeconds: number
  /** Whether the token's last_used_at was pushed ahead so authentication stays read-only (see benchHttp). */
  tokenTouchAvoided: boolean
  counters: string
}

/** Samples the resident set size while `fn` runs. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peak = process.memoryUsage().rss
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
  try {
    const value = await fn()
    return { value, peakMb: Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20) }
  } finally {
    clearInterval(timer)
  }
}

const phasesOf = (t: TypeResult): Phases => ({
  readExternalDataTimeInMs: t.readExternalDataTimeInMs,
  mapExternalDataTimeInMs: t.mapExternalDataTimeInMs,
  decidingActionsTimeInMs: t.decidingActionsTimeInMs,
  writeInsightDataTimeInMs: t.writeInsightDataTimeInMs,
  postFunctionTimeInMs: t.postFunctionTimeInMs,
})

const phaseText = (p: Phases): string =>
  [
    p.readExternalDataTimeInMs,
    p.mapExternalDataTimeInMs,
    p.decidingActionsTimeInMs,
    p.writeInsightDataTimeInMs,
    p.postFunctionTimeInMs,
  ]
    .map((ms) => (ms / 1000).toFixed(1))
    .join(' / ')

const countersOf = (t: TypeResult, problems: number): string =>
  `+${t.objectsCreated} ~${t.objectsUpdated} =${t.objectsIdentical} -${t.objectsMissingDeleted} refs ${t.objectsWithUpdatedReferences} problems ${problems}`

/** Fails loudly unless the one type's result is a clean first load of n entries. */
function expectFirstLoad(what: string, result: ImportResult, n: number): TypeResult {
  const types = Object.values(result.objectTypeResultMap)
  const t = types[0]
  if (types.length !== 1 || !t || t.objectsCreated !== n || t.entriesInSource !== n) {
    throw new Error(
      `${what}: expected ${n} objects created, got ${JSON.stringify(types.map((x) => ({ created: x.objectsCreated, entries: x.entriesInSource })))}`,
    )
  }
  return t
}

/** Watches the event loop: answers the longest gap between two ticks of a 100 ms timer, less the 100 ms. */
function stallTracker(): { stop: () => number } {
  let last = performance.now()
  let longest = 0
  const timer = setInterval(() => {
    const now = performance.now()
    longest = Math.max(longest, now - last - 100)
    last = now
  }, 100)
  return {
    stop: () => {
      clearInterval(timer)
      return Math.max(longest, performance.now() - last - 100, 0)
    },
  }
}

/** One client over one keep-alive connection (node:http, maxSockets 1). */
function httpClient() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  let connections = 0
  const call = (method: string, url: string, body?: string): Promise<{ status: number; body: unknown }> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { authorization: `Bearer ${TOKEN}` }
      if (body !== undefined) {
        headers['content-type'] = 'application/json'
        headers['content-length'] = Buffer.byteLength(body)
      }
      const req = http.request(url, { method, agent, headers }, (res) => {
        const parts: Buffer[] = []
        res.on('data', (part: Buffer) => parts.push(part))
        res.on('error', reject)
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8')
          let parsed: unknown = text
          try {
            parsed = text === '' ? null : JSON.parse(text)
          } catch {
            /* not JSON: keep the text */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed })
        })
      })
      req.on('socket', () => {
        if (!req.reusedSocket) connections++
      })
      req.on('error', reject)
      req.end(body)
    })
  /** The call, failing loudly unless it answers `status`. */
  const expect = async <T = unknown>(
    status: number,
    method: string,
    url: string,
    body?: unknown,
  ): Promise<T> => {
    const res = await call(method, url, body === undefined ? undefined : JSON.stringify(body))
    if (res.status !== status) {
      throw new Error(`${method} ${url}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`)
    }
    return res.body as T
  }
  return { call, expect, connections: () => connections, close: () => agent.destroy() }
}

/** A fresh database beside the one of `env` (SQLite: a new directory; PostgreSQL: a new database). */
async function freshDatabase(
  env: Record<string, string>,
): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-http-bench-'))
  if (!env.DATABASE_URL) {
    return {
      env: { INTAKE_DATA_DIR: dir },
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    }
  }
  const name = `intake_bench_${randomBytes(4).toString('hex')}`
  const admin = async (statement: string): Promise<void> => {
    const c = new pg.Client({ connectionString: env.DATABASE_URL })
    await c.connect()
    try {
      await c.query(statement)
    } finally {
      await c.end()
    }
  }
  await admin(`create database ${name}`)
  const u = new URL(env.DATABASE_URL)
  u.pathname = `/${name}`
  return {
    env: { INTAKE_DATA_DIR: dir, DATABASE_URL: u.toString() },
    drop: async () => {
      await admin(`drop database if exists ${name} with (force)`)
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The engine's first load of n rows on a fresh database, as engine.bench.ts runs it (CSV in chunks of 2,000). */
async function engineFirstLoad(
  env: Record<string, string>,
  n: number,
): Promise<{ seconds: number; peakMb: number; type: TypeResult }> {
  const db = await freshDatabase(env)
  const csv = path.join(db.env.INTAKE_DATA_DIR!, 'first.csv')
  writeCsv(csv, { n })
  const booted = await bootstrap(loadConfig({ ...db.env, INTAKE_ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'silent' }))
  try {
    const { services } = booted
    const ws = booted.workspaceId
    const source = await services.importSources.create(ws, { name: 'bench', type: 'external' })
    await services.mappings.submit(ws, source.id, 'PUT', hardwareDocument)
    const mapping = (await services.importSources.mapping(ws, source.id))!
    const executionId = randomUUID()
    await services.store.db
      .insertInto('execution')
      .values({
        id: executionId,
        workspace_id: ws,
        import_source_id: source.id,
        kind: 'pull',
        status: 'PROCESSING',
        scheduled: 0,
        dry_run: 0,
        created_at: new Date().toISOString(),
        started_at: null,
        finished_at: null,
        progress: null,
        result: null,
        failure_reason: null,
      })
      .execute()
    const start = performance.now()
    const { value: result, peakMb } = await withPeakRss(() =>
      runImport(
        { store: services.store },
        {
          workspaceId: ws,
          importSourceId: source.id,
          executionId,
          objectSchemaId: mapping.objectSchemaId!,
          document: mapping.document,
          settings: engineSettingsFrom(source.settings),
          data: csvChunks(csv, 'assets'),
        },
      ),
    )
    const seconds = (performance.now() - start) / 1000
    return { seconds, peakMb, type: expectFirstLoad('engine first load', result, n) }
  } finally {
    await booted.close()
    await db.drop()
  }
}

/**
 * Works around a defect of src (reported with issue 6): authentication writes the token's last_used_at once a
 * minute, and on SQLite that write waits (busy_timeout, 5 s, synchronously) behind the engine's transaction, which
 * runs in this very thread — so once a minute into processing every status poll freezes the process for 5 s and
 * answers 503, and since the touch never succeeds, every later poll does the same. Pushing last_used_at a day
 * ahead keeps authentication read-only for the run; `--http-as-is` skips this to show the defect.
 */
async function pushTokenTouchAhead(env: Record<string, string>): Promise<void> {
  const store = createStore(loadConfig({ ...env, LOG_LEVEL: 'silent' }).database)
  try {
    await store.db
      .updateTable('api_token')
      .set({ last_used_at: new Date(Date.now() + 86_400_000).toISOString() })
      .execute()
  } finally {
    await store.close()
  }
}

/** The chunk bodies, built one at a time: `{ data: { assets: [1,000 entries] }, clientGeneratedId, completed }`. */
function* chunkBodies(n: number): Generator<string> {
  const root = hardwareDocument.mapping.objectTypeMappings[0]!.selector
  for (let from = 0, seq = 0; from < n; from += CHUNK, seq++) {
    const entries: Record<string, string>[] = []
    for (let i = from; i < Math.min(n, from + CHUNK); i++) {
      const cells = row(i)
      entries.push(Object.fromEntries(HEADER.map((h, k) => [h, cells[k]!])))
    }
    const completed = from + CHUNK >= n
    yield JSON.stringify({ data: { [root]: entries }, clientGeneratedId: `chunk-${seq}`, completed })
  }
}

/** The push flow over HTTP on one database, then the engine's first load of the same rows beside it. */
export async function benchHttp(
  engine: 'sqlite' | 'postgres',
  env: Record<string, string>,
  n: number,
  log: (s: string) => void,
  options: { avoidTokenTouch: boolean } = { avoidTokenTouch: true },
): Promise<HttpBenchRow[]> {
  const client = httpClient()
  const startRssMb = Math.round(process.memoryUsage().rss / 2 ** 20)
  const measured = await withPeakRss(async () => {
    const server = await startServer(
      loadConfig({ ...env, INTAKE_ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1' }),
    )
    try {
      const api = `${server.url}/jsm/assets/workspace/${server.workspaceId}/v1`
      const source = await client.expect<{ id: string }>(201, 'POST', `${api}/importsource`, {
        name: 'HTTP bench',
        type: 'external',
      })
      await client.expect(204, 'PUT', `${api}/importsource/${source.id}/mapping`, hardwareDocument)

      if (options.avoidTokenTouch) await pushTokenTouchAhead(env)
      const t0 = performance.now()
      const started = await client.expect<Started>(200, 'POST', `${api}/importsource/${source.id}/executions`)
      const ingestStart = performance.now()
      let chunks = 0
      let requestBytes = 0
      let clientMs = 0
      let next = performance.now()
      for (const body of chunkBodies(n)) {
        clientMs += performance.now() - next
        const res = await client.call('POST', started.links.submitResults, body)
        if (res.status !== 200) throw new Error(`chunk ${chunks}: ${res.status} ${JSON.stringify(res.body)}`)
        chunks++
        requestBytes += Buffer.byteLength(body)
        if (chunks % 100 === 0) log(`  ${engine} http: ${chunks * CHUNK} entries sent`)
        next = performance.now()
      }
      if (chunks === 0) {
        await client.expect(
          204,
          'POST',
          `${api}/importsource/${source.id}/executions/${started.executionId}/history/completed`,
        )
      }
      const completedAt = performance.now()
      log(
        `  ${engine} http: ingested ${chunks} chunks in ${((completedAt - ingestStart) / 1000).toFixed(1)} s`,
      )

      let status: { status: string; progressResult: unknown }
      let busyPolls = 0
      let slowestPollMs = 0
      let pollErrors = 0
      const stalls = stallTracker()
      for (;;) {
        const pollStart = performance.now()
        const res = await client.call('GET', started.links.getExecutionStatus).catch((error: Error) => error)
        const pollMs = performance.now() - pollStart
        slowestPollMs = Math.max(slowestPollMs, pollMs)
        const since = ((performance.now() - completedAt) / 1000).toFixed(1)
        if (res instanceof Error) {
          // The connection was dropped (a GET is safe to repeat): the agent opens a new one.
          pollErrors++
          log(
            `  ${engine} http: status poll failed after ${(pollMs / 1000).toFixed(1)} s (${since} s into processing): ${res.message}`,
          )
        } else if (res.status === 503) {
          // "The database is busy; try again": a client retries.
          busyPolls++
          log(
            `  ${engine} http: status poll answered 503 after ${(pollMs / 1000).toFixed(1)} s (${since} s into processing)`,
          )
        } else if (res.status !== 200) {
          throw new Error(`GET status: ${res.status} ${JSON.stringify(res.body)}`)
        } else {
          status = res.body as typeof status
          if (status.status !== 'INGESTING' && status.status !== 'PROCESSING') break
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS))
      }
      const doneAt = performance.now()
      const longestStallMs = stalls.stop()
      if (status.status !== 'DONE')
        throw new Error(`execution ended ${status.status}: ${JSON.stringify(status)}`)
      const result = status.progressResult as ImportResult
      const type = expectFirstLoad('http push', result, n)
      const execution = await client.expect<ExecutionTimes>(
        200,
        'GET',
        `${api}/importsource/${source.id}/executions/${started.executionId}`,
      )
      const at = (iso: string | null): number => (iso ? Date.parse(iso) : NaN)
      return {
        chunks,
        requestBytes,
        ingestSeconds: (completedAt - ingestStart) / 1000,
        clientSeconds: clientMs / 1000,
        processingSeconds: (doneAt - completedAt) / 1000,
        queueSeconds: (at(execution.started) - at(execution.completed)) / 1000,
        runSeconds: (at(execution.finished) - at(execution.started)) / 1000,
        endToEndSeconds: (doneAt - t0) / 1000,
        type,
        problems: result.problemCount,
        busyPolls,
        slowestPollSeconds: slowestPollMs / 1000,
        pollErrors,
        longestStallSeconds: longestStallMs / 1000,
      }
    } finally {
      client.close()
      await server.stop()
    }
  })
  const h = measured.value
  log(
    `${engine} http: ingest ${h.ingestSeconds.toFixed(1)} s (client ${h.clientSeconds.toFixed(1)} s), processing ${h.processingSeconds.toFixed(1)} s (${phaseText(phasesOf(h.type))}), end-to-end ${h.endToEndSeconds.toFixed(1)} s, peak RSS ${measured.peakMb} MB (${startRssMb} MB at boot), ${client.connections()} connection(s), ${h.busyPolls} busy poll(s), slowest poll ${h.slowestPollSeconds.toFixed(1)} s, ${h.pollErrors} failed poll(s), longest event-loop stall ${h.longestStallSeconds.toFixed(1)} s`,
  )
  const first = await engineFirstLoad(env, n)
  log(
    `${engine} engine first load: ${first.seconds.toFixed(1)} s (${phaseText(phasesOf(first.type))}), peak RSS ${first.peakMb} MB`,
  )
  return [
    {
      engine,
      rows: n,
      chunks: h.chunks,
      requestBytes: h.requestBytes,
      ingestSeconds: h.ingestSeconds,
      clientSeconds: h.clientSeconds,
      processingSeconds: h.processingSeconds,
      queueSeconds: h.queueSeconds,
      runSeconds: h.runSeconds,
      endToEndSeconds: h.endToEndSeconds,
      engineSeconds: first.seconds,
      phases: phasesOf(h.type),
      enginePhases: phasesOf(first.type),
      peakRssMb: measured.peakMb,
      startRssMb,
      enginePeakRssMb: first.peakMb,
      connections: client.connections(),
      busyPolls: h.busyPolls,
      slowestPollSeconds: h.slowestPollSeconds,
      pollErrors: h.pollErrors,
      longestStallSeconds: h.longestStallSeconds,
      tokenTouchAvoided: options.avoidTokenTouch,
      counters: countersOf(h.type, h.problems),
    },
  ]
}

export function httpTable(rows: HttpBenchRow[]): string {
  const mb = (bytes: number) => bytes / 2 ** 20
  return [
    '| engine | rows | chunks | request MB | ingest s (client s) | entries/s | MB/s | processing s (queue / run) | read / map / decide / write / post s | end-to-end s | engine first load s (read / … / post) | ratio (≤ 1.5) | peak RSS MB (at boot; engine alone) | busy / failed polls (slowest s) | longest loop stall s | result |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.engine} | ${r.rows} | ${r.chunks} | ${mb(r.requestBytes).toFixed(0)} | ${r.ingestSeconds.toFixed(1)} (${r.clientSeconds.toFixed(1)}) | ${Math.round(r.rows / r.ingestSeconds)} | ${(mb(r.requestBytes) / r.ingestSeconds).toFixed(1)} | ${r.processingSeconds.toFixed(1)} (${r.queueSeconds.toFixed(1)} / ${r.runSeconds.toFixed(1)}) | ${phaseText(r.phases)} | ${r.endToEndSeconds.toFixed(1)} | ${r.engineSeconds.toFixed(1)} (${phaseText(r.enginePhases)}) | ${(r.endToEndSeconds / r.engineSeconds).toFixed(2)} | ${r.peakRssMb} (${r.startRssMb}; ${r.enginePeakRssMb}) | ${r.busyPolls} / ${r.pollErrors} (${r.slowestPollSeconds.toFixed(1)})${r.tokenTouchAvoided ? '' : ' as-is'} | ${r.longestStallSeconds.toFixed(1)} | ${r.counters} |`,
    ),
  ].join('\n')
}
