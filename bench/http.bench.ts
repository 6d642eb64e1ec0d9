/**
 * The push benchmark over HTTP (issue 6): N hardware entries — the very rows of the engine benchmark — pushed to a
 * real, listening Intake server exactly as a client does: create the import source, PUT the schema + mapping, POST
 * executions, POST the data in chunks of 1,000 entries over one keep-alive connection (the last chunk with
 * `completed: true`), then poll the status every 250 ms until DONE. In the same run, the engine's own first load of
 * the same N rows (a fresh database, the CSV path of engine.bench.ts) gives the ratio end-to-end / engine first
 * load (target ≤ 1.1×).
 *
 * By default (`--server=process`) the server is started as users start it (`npm start`: `node dist/cli/bin.js
 * serve` as a child process, no heap cap, default log level) and its peak RSS is the kernel's VmHWM of that
 * process. With `--server=inproc` it is booted in this process by `startServer`: the peak RSS is then that of the
 * server plus a small client, and since the client shares the server's event loop, the longest event-loop stall
 * during processing is measured and shown (with a separate process, the slowest status poll shows it).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig } from '../src/config/config.js'
import type { ImportResult, TypeResult } from '../src/engine/result.js'
import { startServer } from '../src/http/server.js'
import {
  BENCH_TOKEN,
  countersOf,
  expectFirstLoad,
  expectUnchanged,
  httpClient,
  phasesOf,
  phaseText,
  stallTracker,
  withPeakRss,
  type Phases,
} from './bench-kit.js'
import { engineFirstLoad } from './engine/engine-runner.js'
import { startServerProcess } from './server-process.js'
import { HEADER, row, writeCsv } from './engine/hardware-data.js'
import { hardwareDocument } from './engine/hardware-mapping.js'

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
  /** How the server ran: a child process as `npm start` runs it, or in this process. */
  server: 'process' | 'inproc'
  /** Peak RSS of the server (process: its VmHWM; inproc: this process) from boot to DONE, and of the engine's first load. */
  peakRssMb: number
  /** RSS of the server once ready (process), or of this process just before the server boots (inproc). */
  startRssMb: number
  /** process: the server's peak RSS from boot to the end of the ingest (before processing). */
  ingestPeakRssMb: number | null
  enginePeakRssMb: number
  connections: number
  /** Status polls answered 503 DATABASE_BUSY (retried), and the slowest poll. */
  busyPolls: number
  slowestPollSeconds: number
  /** Status polls that failed on the connection (reset by the server) and were retried on a new one. */
  pollErrors: number
  /** inproc: the longest the event loop (server, worker and client share it) went unanswered during processing. */
  longestStallSeconds: number
  counters: string
}

/** The chunk bodies, built one at a time: `{ data: { assets: [1,000 entries] }, clientGeneratedId, completed }`. */
export function* chunkBodies(n: number): Generator<string> {
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

/** What one push of N hardware entries measured, from POST executions to DONE. */
export interface PushMeasure {
  sourceId: string
  chunks: number
  requestBytes: number
  ingestSeconds: number
  clientSeconds: number
  processingSeconds: number
  queueSeconds: number
  runSeconds: number
  endToEndSeconds: number
  type: TypeResult
  problems: number
  busyPolls: number
  slowestPollSeconds: number
  pollErrors: number
  longestStallSeconds: number
}

/**
 * The push flow as a client runs it against the server at `api` (…/workspace/{id}/v1): a new import source, the
 * hardware schema + mapping, POST executions, n entries in chunks of 1,000, then the status polled until DONE
 * (checked as a clean first load of n objects).
 */
export async function pushHardware(
  client: ReturnType<typeof httpClient>,
  api: string,
  n: number,
  what: string,
  log: (s: string) => void,
  /** Called once the completing chunk is answered, before processing. */
  onIngested: () => void = () => undefined,
  /** Pushes into this source again (the same rows: an unchanged re-import) instead of creating one. */
  again?: { sourceId: string },
): Promise<PushMeasure> {
  const source = again
    ? { id: again.sourceId }
    : await client.expect<{ id: string }>(201, 'POST', `${api}/importsource`, {
        json: { name: `${what} bench`, type: 'external' },
      })
  if (!again)
    await client.expect(204, 'PUT', `${api}/importsource/${source.id}/mapping`, { json: hardwareDocument })
  const t0 = performance.now()
  const started = await client.expect<Started>(200, 'POST', `${api}/importsource/${source.id}/executions`)
  const ingestStart = performance.now()
  let chunks = 0
  let requestBytes = 0
  let clientMs = 0
  let next = performance.now()
  for (const body of chunkBodies(n)) {
    clientMs += performance.now() - next
    const res = await client.call('POST', started.links.submitResults, { text: body })
    if (res.status !== 200) throw new Error(`chunk ${chunks}: ${res.status} ${JSON.stringify(res.body)}`)
    chunks++
    requestBytes += Buffer.byteLength(body)
    if (chunks % 100 === 0) log(`  ${what}: ${chunks * CHUNK} entries sent`)
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
  onIngested()
  log(`  ${what}: ingested ${chunks} chunks in ${((completedAt - ingestStart) / 1000).toFixed(1)} s`)

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
        `  ${what}: status poll failed after ${(pollMs / 1000).toFixed(1)} s (${since} s into processing): ${res.message}`,
      )
    } else if (res.status === 503) {
      // "The database is busy; try again": a client retries.
      busyPolls++
      log(
        `  ${what}: status poll answered 503 after ${(pollMs / 1000).toFixed(1)} s (${since} s into processing)`,
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
  if (status.status !== 'DONE') throw new Error(`execution ended ${status.status}: ${JSON.stringify(status)}`)
  const result = status.progressResult as ImportResult
  const type = again
    ? expectUnchanged(`${what} push again`, result, n)
    : expectFirstLoad(`${what} push`, result, n)
  const execution = await client.expect<ExecutionTimes>(
    200,
    'GET',
    `${api}/importsource/${source.id}/executions/${started.executionId}`,
  )
  const at = (iso: string | null): number => (iso ? Date.parse(iso) : NaN)
  return {
    sourceId: source.id,
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
}

/**
 * The push flow over HTTP on one database, then the engine's first load of the same rows beside it. `server`:
 * `process` (default) starts the server as `npm start` does, a child process with no heap cap, and measures its
 * RSS from /proc; `inproc` boots it in this process (the client's RSS is then included).
 */
export async function benchHttp(
  engine: 'sqlite' | 'postgres',
  env: Record<string, string>,
  n: number,
  log: (s: string) => void,
  server: 'process' | 'inproc' = 'process',
): Promise<HttpBenchRow[]> {
  const client = httpClient()
  const what = `${engine} http`
  let startRssMb = Math.round(process.memoryUsage().rss / 2 ** 20)
  let ingestPeakRssMb: number | null = null
  const measured =
    server === 'inproc'
      ? await withPeakRss(async () => {
          const s = await startServer(
            loadConfig({
              ...env,
              INTAKE_ADMIN_TOKEN: BENCH_TOKEN,
              LOG_LEVEL: 'silent',
              PORT: '0',
              HOST: '127.0.0.1',
            }),
          )
          try {
            return await pushHardware(
              client,
              `${s.url}/jsm/assets/workspace/${s.workspaceId}/v1`,
              n,
              what,
              log,
            )
          } finally {
            client.close()
            await s.stop()
          }
        })
      : await (async () => {
          const s = await startServerProcess(env)
          startRssMb = s.rssMb()
          try {
            const value = await pushHardware(
              client,
              `${s.url}/jsm/assets/workspace/${s.workspaceId}/v1`,
              n,
              what,
              log,
              () => (ingestPeakRssMb = s.peakRssMb()),
            )
            return { value, peakMb: s.peakRssMb() }
          } finally {
            client.close()
            await s.stop()
          }
        })()
  const h = measured.value
  log(
    `${what}: ingest ${h.ingestSeconds.toFixed(1)} s (client ${h.clientSeconds.toFixed(1)} s), processing ${h.processingSeconds.toFixed(1)} s (${phaseText(phasesOf(h.type))}), end-to-end ${h.endToEndSeconds.toFixed(1)} s, peak RSS ${measured.peakMb} MB (${startRssMb} MB at boot, ${ingestPeakRssMb ?? '—'} MB at ingest end), ${client.connections()} connection(s), ${h.busyPolls} busy poll(s), slowest poll ${h.slowestPollSeconds.toFixed(1)} s, ${h.pollErrors} failed poll(s), ${server === 'inproc' ? `longest event-loop stall ${h.longestStallSeconds.toFixed(1)} s` : 'server as a child process'}`,
  )
  const csvDir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-http-bench-'))
  const csv = path.join(csvDir, 'first.csv')
  writeCsv(csv, { n })
  const first = await engineFirstLoad(env, csv, n).finally(() =>
    fs.rmSync(csvDir, { recursive: true, force: true }),
  )
  log(
    `${engine} engine first load: ${first.seconds.toFixed(1)} s (${phaseText(phasesOf(first.type))}), peak RSS ${first.peakMb} MB`,
  )
  return [
    {
      engine,
      rows: n,
      server,
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
      ingestPeakRssMb,
      enginePeakRssMb: first.peakMb,
      connections: client.connections(),
      busyPolls: h.busyPolls,
      slowestPollSeconds: h.slowestPollSeconds,
      pollErrors: h.pollErrors,
      longestStallSeconds: h.longestStallSeconds,
      counters: countersOf(h.type, h.problems),
    },
  ]
}

export function httpTable(rows: HttpBenchRow[]): string {
  const mb = (bytes: number) => bytes / 2 ** 20
  return [
    '| engine | server | rows | chunks | request MB | ingest s (client s) | entries/s | MB/s | processing s (queue / run) | read / map / decide / write / post s | end-to-end s | engine first load s (read / … / post) | ratio (≤ 1.1) | peak RSS MB (at boot; at ingest end; engine alone) | busy / failed polls (slowest s) | longest loop stall s | result |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.engine} | ${r.server} | ${r.rows} | ${r.chunks} | ${mb(r.requestBytes).toFixed(0)} | ${r.ingestSeconds.toFixed(1)} (${r.clientSeconds.toFixed(1)}) | ${Math.round(r.rows / r.ingestSeconds)} | ${(mb(r.requestBytes) / r.ingestSeconds).toFixed(1)} | ${r.processingSeconds.toFixed(1)} (${r.queueSeconds.toFixed(1)} / ${r.runSeconds.toFixed(1)}) | ${phaseText(r.phases)} | ${r.endToEndSeconds.toFixed(1)} | ${r.engineSeconds.toFixed(1)} (${phaseText(r.enginePhases)}) | ${(r.endToEndSeconds / r.engineSeconds).toFixed(2)} | ${r.peakRssMb} (${r.startRssMb}; ${r.ingestPeakRssMb ?? '—'}; ${r.enginePeakRssMb}) | ${r.busyPolls} / ${r.pollErrors} (${r.slowestPollSeconds.toFixed(1)}) | ${r.server === 'inproc' ? r.longestStallSeconds.toFixed(1) : '—'} | ${r.counters} |`,
    ),
  ].join('\n')
}
