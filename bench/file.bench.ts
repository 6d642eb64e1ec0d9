/**
 * The file-import benchmark (issue 7): the engine benchmark's hardware rows as a file, imported through the API of
 * a real, listening Intake server (booted in this process by `startServer`, with its execution worker) exactly as
 * a client does: create a `csv` or `xlsx` source, PUT the schema + mapping (the engine benchmark's document: its
 * selector `assets` is single-segment, so the tabular connectors put every row under it, and its locators are the
 * CSV header), PUT the file as a raw body streamed from disk over one keep-alive connection, POST import/start,
 * then poll the progress resource every 250 ms until COMPLETED. Each scenario runs on a fresh database.
 *
 * - **csv**: the engine benchmark's CSV (`writeCsv`, the same N rows). Beside it, in the same run and on fresh
 *   databases, the engine's own first load of the same file (runImport over csvChunks, as engine.bench.ts and
 *   http.bench.ts) and the raw baseline (SQLite: one prepared insert per row; PostgreSQL: COPY): the ratios
 *   end-to-end / engine first load and import / baseline.
 * - **xlsx**: the same rows written by bench/hardware-xlsx.ts in a child process (exceljs's streaming
 *   WorkbookWriter; the purchase date a real date cell, the size a number), imported through an `xlsx` source. Its
 *   ratio is to the engine's first load of the CSV above (when both have the same rows): the XLSX path's cost.
 * - **1 GiB csv**: the same columns plus a `notes` column padded so that `gibRows` rows fill `gibBytes` (default
 *   just under 1 GiB, INTAKE_MAX_UPLOAD_BYTES' default), uploaded and imported for real (file imports have no dry
 *   run), while this process's RSS is sampled every 100 ms; VmHWM of /proc/self/status is reset before the upload
 *   (`clear_refs` 5) and read at the end. `notes` is not mapped: the connector parses it and the entries carry it
 *   through the engine's read and map phases.
 *
 * The client shares this process with the server, so RSS is that of server + worker + a small client (the
 * upload streams from disk; the progress polls are tiny). The RSS sampler is a timer: it cannot run while the
 * event loop is blocked, so VmHWM (the kernel's peak, reset before each upload) is the figure to trust; RSS left
 * over from an earlier scenario of the same process shows as "at boot" — run one part per process for clean peaks.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '../src/config/config.js'
import type { ImportResult, TypeResult } from '../src/engine/result.js'
import { startServer } from '../src/http/server.js'
import {
  BENCH_TOKEN,
  countersOf,
  expectFirstLoad,
  httpClient,
  phasesOf,
  phaseText,
  stallTracker,
  withPeakRss,
  type Phases,
} from './bench-kit.js'
import { postgresBaseline, sqliteBaseline } from './engine/baselines.js'
import { engineFirstLoad } from './engine/engine-runner.js'
import { HEADER, row, writeCsv } from './engine/hardware-data.js'
import { hardwareDocument } from './engine/hardware-mapping.js'
import { freshDatabase } from './scratch.js'

const POLL_MS = 250
const MB = 2 ** 20
/** The engine's memory bound (issue 5): peak RSS while importing. */
const RSS_BOUND_MB = 512

export type FilePart = 'csv' | 'xlsx' | 'gib'

export interface FileBenchOptions {
  /** Rows of the CSV (the engine benchmark's N). */
  rows: number
  /** Rows of the XLSX. */
  xlsxRows: number
  /** Rows of the large CSV, and its size in bytes (the `notes` column is padded to reach it). */
  gibRows: number
  gibBytes: number
  parts: FilePart[]
}

export interface FileBenchRow {
  engine: string
  scenario: string
  rows: number
  fileBytes: number
  /** Writing the file (not part of any ratio). */
  writeSeconds: number
  /** PUT …/file: first byte sent → answered. */
  uploadSeconds: number
  /** POST import/start → the progress resource answered COMPLETED. */
  importSeconds: number
  /** Of the import: created → the worker started, and the run, as the execution records them. */
  queueSeconds: number
  runSeconds: number
  /** Upload start → COMPLETED. */
  endToEndSeconds: number
  /** The engine's first load of the same CSV on a fresh database, and the raw baseline of the file. */
  engineSeconds: number | null
  baselineSeconds: number | null
  phases: Phases
  enginePhases: Phases | null
  /** Peak RSS sampled during upload + import (server + worker + client), at boot, and of the engine alone. */
  peakRssMb: number
  startRssMb: number
  enginePeakRssMb: number | null
  /** VmHWM of /proc/self/status at the end, reset (clear_refs) before the upload; null if not available. */
  vmHwmMb: number | null
  /** Progress polls while the import ran, distinct progressInPercent values seen, the highest before COMPLETED. */
  polls: number
  percentValues: number
  maxPercentBeforeDone: number
  busyPolls: number
  longestStallSeconds: number
  /** POST import/start → the progress first seen at step 5 (validation, connection, header read, mapping). */
  toProcessingSeconds: number
  counters: string
}

/** Resets the kernel's peak RSS of this process (VmHWM) to the current RSS; false where not allowed. */
function resetHwm(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5')
    return true
  } catch {
    return false
  }
}

function vmHwmMb(): number | null {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1]
    return kb === undefined ? null : Math.round(Number(kb) / 1024)
  } catch {
    return null
  }
}

/** The raw baseline of the CSV (engine bench): SQLite prepared inserts, PostgreSQL COPY, on a fresh database. */
async function baseline(engine: 'sqlite' | 'postgres', env: Record<string, string>, csv: string) {
  const db = await freshDatabase(env)
  try {
    return engine === 'sqlite'
      ? await sqliteBaseline(csv, path.join(db.env.INTAKE_DATA_DIR!, 'baseline.db'))
      : await postgresBaseline(csv, db.env.DATABASE_URL!)
  } finally {
    await db.drop()
  }
}

/** Writes the XLSX in a child process (bench/hardware-xlsx.ts); answers its size and the writer's peak RSS. */
function writeXlsxApart(file: string, n: number): { bytes: number; writerPeakMb: number | null } {
  const script = fileURLToPath(new URL('./hardware-xlsx.ts', import.meta.url))
  const out = execFileSync(process.execPath, [...process.execArgv, script, file, String(n)], {
    encoding: 'utf8',
  })
  const [bytes, peak] = out.trim().split(' ')
  return { bytes: Number(bytes), writerPeakMb: peak ? Number(peak) : null }
}

/**
 * The hardware rows plus a `notes` column padded so that `rows` rows make about `bytes` bytes (never more): the
 * padding is the same for every row. Answers the rows written and the size.
 */
export function writeWideCsv(file: string, rows: number, bytes: number): { rows: number; bytes: number } {
  const header = [...HEADER, 'notes'].join(',') + '\n'
  const sample = row(rows - 1).join(',').length + 2
  const pad = Math.max(0, Math.floor((bytes - header.length) / rows) - sample)
  const filler = 'x'.repeat(pad)
  const fd = fs.openSync(file, 'w')
  let size = header.length
  let buffer = header
  let count = 0
  for (let i = 0; i < rows; i++) {
    const line = `${row(i).join(',')},${filler}\n`
    if (size + line.length > bytes) break
    buffer += line
    size += line.length
    count++
    if (buffer.length > 1 << 20) {
      fs.writeSync(fd, buffer)
      buffer = ''
    }
  }
  fs.writeSync(fd, buffer)
  fs.closeSync(fd)
  return { rows: count, bytes: size }
}

interface ApiRun {
  uploadSeconds: number
  importSeconds: number
  queueSeconds: number
  runSeconds: number
  endToEndSeconds: number
  type: TypeResult
  problems: number
  polls: number
  percentValues: number
  maxPercentBeforeDone: number
  busyPolls: number
  longestStallSeconds: number
  toProcessingSeconds: number
  peakRssMb: number
  startRssMb: number
  vmHwmMb: number | null
}

interface Progress {
  status: string
  progressInPercent: number
  currentStep: number
  currentWorkDescription?: string | null
}

/**
 * One file through the API on a fresh database: boot a server, create the source, PUT the mapping, upload the
 * file (raw body, streamed from disk), start, poll the progress every 250 ms until COMPLETED, check the result.
 */
async function importThroughApi(
  label: string,
  env: Record<string, string>,
  type: 'csv' | 'xlsx',
  file: string,
  n: number,
  log: (s: string) => void,
  rssEveryMs: number,
): Promise<ApiRun> {
  const db = await freshDatabase(env)
  const client = httpClient()
  const startRssMb = Math.round(process.memoryUsage().rss / MB)
  try {
    const server = await startServer(
      loadConfig({
        ...db.env,
        INTAKE_ADMIN_TOKEN: BENCH_TOKEN,
        LOG_LEVEL: 'silent',
        PORT: '0',
        HOST: '127.0.0.1',
      }),
    )
    try {
      const api = `${server.url}/jsm/assets/workspace/${server.workspaceId}/v1`
      const source = await client.expect<{ id: string }>(201, 'POST', `${api}/importsource`, {
        json: { name: `File bench ${type}`, type, config: {} },
      })
      await client.expect(204, 'PUT', `${api}/importsource/${source.id}/mapping`, { json: hardwareDocument })
      const hwmReset = resetHwm()
      const measured = await withPeakRss(async () => {
        const t0 = performance.now()
        const contentType =
          type === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
        const uploaded = await client.expect<{ size: number }>(
          200,
          'PUT',
          `${api}/importsource/${source.id}/file?name=${path.basename(file)}`,
          { file, contentType },
        )
        const uploadedAt = performance.now()
        if (uploaded.size !== fs.statSync(file).size) {
          throw new Error(`upload: stored ${uploaded.size} bytes of ${fs.statSync(file).size}`)
        }
        log(
          `  ${label}: uploaded ${(uploaded.size / MB).toFixed(0)} MB in ${((uploadedAt - t0) / 1000).toFixed(1)} s`,
        )
        const started = await client.expect<{ resourceId: string }>(
          200,
          'POST',
          `${api}/import/start/${source.id}`,
        )
        const progressUrl = `${api}/progress/category/imports/${started.resourceId}`
        const percents = new Set<number>()
        let maxPercent = 0
        let polls = 0
        let busyPolls = 0
        let lastLogged = performance.now()
        let processingAt = NaN
        const stalls = stallTracker()
        let progress: Progress
        for (;;) {
          const res = await client.call('GET', progressUrl)
          if (res.status === 503) busyPolls++
          else if (res.status !== 200)
            throw new Error(`GET progress: ${res.status} ${JSON.stringify(res.body)}`)
          else {
            progress = res.body as Progress
            if (progress.status !== 'PENDING' && progress.status !== 'IN_PROGRESS') break
            polls++
            percents.add(progress.progressInPercent)
            maxPercent = Math.max(maxPercent, progress.progressInPercent)
            if (progress.currentStep >= 5 && Number.isNaN(processingAt)) processingAt = performance.now()
            if (performance.now() - lastLogged > 15_000) {
              lastLogged = performance.now()
              log(
                `  ${label}: ${progress.status} step ${progress.currentStep} ${progress.progressInPercent}% (${((lastLogged - uploadedAt) / 1000).toFixed(0)} s)`,
              )
            }
          }
          await new Promise((resolve) => setTimeout(resolve, POLL_MS))
        }
        const doneAt = performance.now()
        const longestStallMs = stalls.stop()
        if (progress.status !== 'COMPLETED')
          throw new Error(`${label}: import ended ${JSON.stringify(progress)}`)
        const base = `${api}/importsource/${source.id}/executions/${started.resourceId}`
        const status = await client.expect<{ status: string; progressResult: ImportResult }>(
          200,
          'GET',
          `${base}/status`,
        )
        const type_ = expectFirstLoad(label, status.progressResult, n)
        const execution = await client.expect<{ created: string; started: string; finished: string }>(
          200,
          'GET',
          base,
        )
        const at = (iso: string | null | undefined): number => (iso ? Date.parse(iso) : NaN)
        return {
          uploadSeconds: (uploadedAt - t0) / 1000,
          importSeconds: (doneAt - uploadedAt) / 1000,
          queueSeconds: (at(execution.started) - at(execution.created)) / 1000,
          runSeconds: (at(execution.finished) - at(execution.started)) / 1000,
          endToEndSeconds: (doneAt - t0) / 1000,
          type: type_,
          problems: status.progressResult.problemCount,
          polls,
          percentValues: percents.size,
          maxPercentBeforeDone: maxPercent,
          busyPolls,
          longestStallSeconds: longestStallMs / 1000,
          toProcessingSeconds: (processingAt - uploadedAt) / 1000,
        }
      }, rssEveryMs)
      const hwm = hwmReset ? vmHwmMb() : null
      return { ...measured.value, peakRssMb: measured.peakMb, startRssMb, vmHwmMb: hwm }
    } finally {
      client.close()
      await server.stop()
    }
  } finally {
    await db.drop()
  }
}

/** The file scenarios on one database engine. */
export async function benchFile(
  engine: 'sqlite' | 'postgres',
  env: Record<string, string>,
  options: FileBenchOptions,
  log: (s: string) => void,
): Promise<FileBenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-file-bench-files-'))
  const rows: FileBenchRow[] = []
  const timed = async <T>(fn: () => T | Promise<T>): Promise<{ value: T; seconds: number }> => {
    const start = performance.now()
    const value = await fn()
    return { value, seconds: (performance.now() - start) / 1000 }
  }
  const rowOf = (
    scenario: string,
    n: number,
    fileBytes: number,
    writeSeconds: number,
    r: ApiRun,
    first: { seconds: number; peakMb: number; type: TypeResult } | null,
    baselineSeconds: number | null,
  ): FileBenchRow => ({
    engine,
    scenario,
    rows: n,
    fileBytes,
    writeSeconds,
    uploadSeconds: r.uploadSeconds,
    importSeconds: r.importSeconds,
    queueSeconds: r.queueSeconds,
    runSeconds: r.runSeconds,
    endToEndSeconds: r.endToEndSeconds,
    engineSeconds: first?.seconds ?? null,
    baselineSeconds,
    phases: phasesOf(r.type),
    enginePhases: first ? phasesOf(first.type) : null,
    peakRssMb: r.peakRssMb,
    startRssMb: r.startRssMb,
    enginePeakRssMb: first?.peakMb ?? null,
    vmHwmMb: r.vmHwmMb,
    polls: r.polls,
    percentValues: r.percentValues,
    maxPercentBeforeDone: r.maxPercentBeforeDone,
    busyPolls: r.busyPolls,
    longestStallSeconds: r.longestStallSeconds,
    toProcessingSeconds: r.toProcessingSeconds,
    counters: countersOf(r.type, r.problems),
  })
  const summary = (label: string, r: ApiRun) =>
    log(
      `${label}: upload ${r.uploadSeconds.toFixed(1)} s, import ${r.importSeconds.toFixed(1)} s (step 5 after ${r.toProcessingSeconds.toFixed(1)} s; queue ${r.queueSeconds.toFixed(1)} / run ${r.runSeconds.toFixed(1)}; ${phaseText(phasesOf(r.type))}), end-to-end ${r.endToEndSeconds.toFixed(1)} s, peak RSS ${r.peakRssMb} MB (VmHWM ${r.vmHwmMb ?? '?'}), ${r.polls} polls, ${r.percentValues} distinct percents up to ${r.maxPercentBeforeDone}%, ${r.busyPolls} busy polls, longest stall ${r.longestStallSeconds.toFixed(1)} s`,
    )
  try {
    let csvFirst: { seconds: number; peakMb: number; type: TypeResult } | null = null
    if (options.parts.includes('csv')) {
      const n = options.rows
      const csv = path.join(dir, 'hardware.csv')
      const written = await timed(() => writeCsv(csv, { n }))
      const label = `${engine} csv ${n}`
      const r = await importThroughApi(label, env, 'csv', csv, n, log, 50)
      summary(label, r)
      csvFirst = await engineFirstLoad(env, csv, n)
      log(
        `${engine} engine first load: ${csvFirst.seconds.toFixed(1)} s (${phaseText(phasesOf(csvFirst.type))})`,
      )
      const baselineSeconds = await baseline(engine, env, csv)
      log(`${engine} baseline: ${baselineSeconds.toFixed(1)} s`)
      rows.push(rowOf('csv', n, fs.statSync(csv).size, written.seconds, r, csvFirst, baselineSeconds))
      fs.rmSync(csv, { force: true })
    }
    if (options.parts.includes('xlsx')) {
      const n = options.xlsxRows
      const xlsx = path.join(dir, 'hardware.xlsx')
      const written = await timed(() => writeXlsxApart(xlsx, n))
      log(
        `${engine} xlsx: wrote ${n} rows (${(written.value.bytes / MB).toFixed(0)} MB) in ${written.seconds.toFixed(1)} s in a child process (its peak RSS ${written.value.writerPeakMb} MB)`,
      )
      const label = `${engine} xlsx ${n}`
      const r = await importThroughApi(label, env, 'xlsx', xlsx, n, log, 50)
      summary(label, r)
      const first = csvFirst && options.rows === n ? csvFirst : null
      rows.push(rowOf('xlsx', n, written.value.bytes, written.seconds, r, first, null))
      fs.rmSync(xlsx, { force: true })
    }
    if (options.parts.includes('gib')) {
      const big = path.join(dir, 'hardware-wide.csv')
      const written = await timed(() => writeWideCsv(big, options.gibRows, options.gibBytes))
      const { rows: n, bytes } = written.value
      log(
        `${engine} wide csv: wrote ${n} rows (${(bytes / MB).toFixed(0)} MB) in ${written.seconds.toFixed(1)} s`,
      )
      const label = `${engine} wide csv ${n}`
      const r = await importThroughApi(label, env, 'csv', big, n, log, 100)
      summary(label, r)
      rows.push(rowOf(`csv + notes, ${(bytes / MB).toFixed(0)} MB`, n, bytes, written.seconds, r, null, null))
      fs.rmSync(big, { force: true })
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
  return rows
}

export function fileTable(rows: FileBenchRow[]): string {
  const s = (x: number) => x.toFixed(1)
  const ratio = (a: number, b: number | null) => (b ? (a / b).toFixed(2) : '—')
  return [
    '| engine | file | rows | file MB | upload s | import s (queue / run) | step 5 after s | rows/s | read / map / decide / write / post s | end-to-end s | engine first load s | e2e / first load | baseline s | import / baseline | peak RSS MB (at boot; VmHWM; engine alone), ✗ over 512 | progress polls (distinct %, max % before done) | busy polls | longest loop stall s | result |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.engine} | ${r.scenario} | ${r.rows} | ${(r.fileBytes / MB).toFixed(0)} | ${s(r.uploadSeconds)} | ${s(r.importSeconds)} (${s(r.queueSeconds)} / ${s(r.runSeconds)}) | ${s(r.toProcessingSeconds)} | ${Math.round(r.rows / r.importSeconds)} | ${phaseText(r.phases)} | ${s(r.endToEndSeconds)} | ${r.engineSeconds === null ? '—' : s(r.engineSeconds)} | ${ratio(r.endToEndSeconds, r.engineSeconds)} | ${r.baselineSeconds === null ? '—' : s(r.baselineSeconds)} | ${ratio(r.importSeconds, r.baselineSeconds)} | ${r.peakRssMb} (${r.startRssMb}; ${r.vmHwmMb ?? '?'}; ${r.enginePeakRssMb ?? '—'})${Math.max(r.peakRssMb, r.vmHwmMb ?? 0) > RSS_BOUND_MB ? ' ✗' : ''} | ${r.polls} (${r.percentValues}, ${r.maxPercentBeforeDone}) | ${r.busyPolls} | ${s(r.longestStallSeconds)} | ${r.counters} |`,
    ),
  ].join('\n')
}
