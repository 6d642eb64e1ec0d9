import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig } from '../../src/config/config.js'
import { engineSettingsFrom } from '../../src/engine/engine-settings.js'
import type { ImportResult, TypeResult } from '../../src/engine/result.js'
import { runImport } from '../../src/engine/run-import.js'
import { bootstrap } from '../../src/main.js'
import { postgresBaseline, sqliteBaseline } from './baselines.js'
import { csvChunks } from './csv-chunks.js'
import { writeCsv } from './hardware-data.js'
import { hardwareDocument } from './hardware-mapping.js'

export interface EngineBenchRow {
  engine: string
  scenario: string
  rows: number
  seconds: number
  baselineSeconds: number
  phases: Pick<
    TypeResult,
    | 'readExternalDataTimeInMs'
    | 'mapExternalDataTimeInMs'
    | 'decidingActionsTimeInMs'
    | 'writeInsightDataTimeInMs'
    | 'postFunctionTimeInMs'
  >
  counters: string
  peakRssMb: number
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

/**
 * The engine benchmark on one database: first load, re-import unchanged, re-import with 10 % changed, 5 % gone
 * (policy REMOVE) and 5 % new — each beside its raw baseline measured in the same run.
 */
export async function benchEngine(
  engine: 'sqlite' | 'postgres',
  env: Record<string, string>,
  n: number,
  log: (s: string) => void,
): Promise<EngineBenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-engine-bench-'))
  const files = {
    first: path.join(dir, 'first.csv'),
    changed: path.join(dir, 'changed.csv'),
  }
  const firstRows = writeCsv(files.first, { n })
  const changedRows = writeCsv(files.changed, {
    n,
    changedEvery: 10,
    goneEvery: 20,
    extra: Math.floor(n / 20),
  })
  const booted = await bootstrap(
    loadConfig({ ...env, INTAKE_ADMIN_TOKEN: 'bench-admin-token-0123456789', LOG_LEVEL: 'silent' }),
  )
  const { services } = booted
  const ws = booted.workspaceId
  const source = await services.importSources.create(ws, { name: 'bench', type: 'external' })
  await services.mappings.submit(ws, source.id, 'PUT', hardwareDocument)
  const mapping = (await services.importSources.mapping(ws, source.id))!

  const runOnce = async (csv: string): Promise<ImportResult> => {
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
    return runImport(
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
    )
  }
  const baseline = (csv: string): Promise<number> =>
    engine === 'sqlite'
      ? sqliteBaseline(csv, path.join(dir, 'baseline.db'))
      : postgresBaseline(csv, env.DATABASE_URL!)

  const rows: EngineBenchRow[] = []
  const scenarios: [string, string, number][] = [
    ['first load', files.first, firstRows],
    ['re-import unchanged', files.first, firstRows],
    ['re-import 10% changed, 5% gone, 5% new', files.changed, changedRows],
  ]
  try {
    for (const [scenario, csv, count] of scenarios) {
      const baselineSeconds = await baseline(csv)
      const start = performance.now()
      const { value: result, peakMb } = await withPeakRss(() => runOnce(csv))
      const seconds = (performance.now() - start) / 1000
      const t = Object.values(result.objectTypeResultMap)[0]!
      const row: EngineBenchRow = {
        engine,
        scenario,
        rows: count,
        seconds,
        baselineSeconds,
        phases: {
          readExternalDataTimeInMs: t.readExternalDataTimeInMs,
          mapExternalDataTimeInMs: t.mapExternalDataTimeInMs,
          decidingActionsTimeInMs: t.decidingActionsTimeInMs,
          writeInsightDataTimeInMs: t.writeInsightDataTimeInMs,
          postFunctionTimeInMs: t.postFunctionTimeInMs,
        },
        counters: `+${t.objectsCreated} ~${t.objectsUpdated} =${t.objectsIdentical} -${t.objectsMissingDeleted} refs ${t.objectsWithUpdatedReferences} problems ${result.problemCount}`,
        peakRssMb: peakMb,
      }
      log(
        `${engine} ${scenario}: ${seconds.toFixed(1)} s (baseline ${baselineSeconds.toFixed(1)} s) ${row.counters}`,
      )
      rows.push(row)
    }
  } finally {
    await booted.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
  return rows
}

export function engineTable(rows: EngineBenchRow[]): string {
  const s = (ms: number) => (ms / 1000).toFixed(1)
  return [
    '| engine | scenario | rows | engine s | rows/s | baseline s | ratio | read / map / decide / write / post s | peak RSS MB | result |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.engine} | ${r.scenario} | ${r.rows} | ${r.seconds.toFixed(1)} | ${Math.round(r.rows / r.seconds)} | ${r.baselineSeconds.toFixed(1)} | ${(r.seconds / r.baselineSeconds).toFixed(2)} | ${s(r.phases.readExternalDataTimeInMs)} / ${s(r.phases.mapExternalDataTimeInMs)} / ${s(r.phases.decidingActionsTimeInMs)} / ${s(r.phases.writeInsightDataTimeInMs)} / ${s(r.phases.postFunctionTimeInMs)} | ${r.peakRssMb} | ${r.counters} |`,
    ),
  ].join('\n')
}
