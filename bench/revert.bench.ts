/**
 * Revert scenario (issue 19): the engine's first load of N hardware rows, then its revert (every object deleted);
 * then, on the same source, the first load again, a re-import with 10 % of the rows changed, and the revert of that
 * re-import (the changed attributes restored). Reverts run through runRevert, the job's own pipeline, in one
 * transaction; the engine runs through runEngine as in the engine benchmark.
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig } from '../src/config/config.js'
import { bootstrap } from '../src/main.js'
import { engineCatalogPort } from '../src/services/engine-ports.js'
import { runRevert, type RevertResult } from '../src/services/revert/revert-run.js'
import type { ExecutionRow } from '../src/store/repositories/execution.repository.js'
import { importStore } from '../src/store/import-store.js'
import { runEngine } from '../test/helpers/engine-fixtures.js'
import { BENCH_TOKEN, withPeakRss } from './bench-kit.js'
import { csvChunks } from './engine/csv-chunks.js'
import { HARDWARE_ROOT } from './engine/engine-runner.js'
import { writeCsv } from './engine/hardware-data.js'
import { hardwareDocument } from './engine/hardware-mapping.js'

export interface RevertBenchRow {
  engine: string
  scenario: string
  /** Objects the reverted execution wrote (created, or updated). */
  objects: number
  importSeconds: number
  revertSeconds: number
  peakRssMb: number
  summary: string
}

export async function benchRevert(
  engine: 'sqlite' | 'postgres',
  env: Record<string, string>,
  n: number,
  log: (s: string) => void,
): Promise<RevertBenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-revert-bench-'))
  const first = path.join(dir, 'first.csv')
  const changed = path.join(dir, 'changed.csv')
  writeCsv(first, { n })
  writeCsv(changed, { n, changedEvery: 10 })
  const booted = await bootstrap(loadConfig({ ...env, INTAKE_ADMIN_TOKEN: BENCH_TOKEN, LOG_LEVEL: 'silent' }))
  const { services } = booted
  const ws = booted.workspaceId
  const store = services.store
  const source = await services.importSources.create(ws, { name: 'bench', type: 'external' })
  await services.mappings.submit(ws, source.id, 'PUT', hardwareDocument)
  const schemaId = (await services.importSources.mapping(ws, source.id))!.objectSchemaId!

  /** An engine run, marked applied and DONE as the worker would. */
  const load = async (csv: string) => {
    const start = performance.now()
    const result = await runEngine(services, ws, source.id, csvChunks(csv, HARDWARE_ROOT))
    const seconds = (performance.now() - start) / 1000
    await store.db
      .updateTable('execution')
      .set({ status: 'DONE', applied_at: new Date().toISOString(), result: JSON.stringify(result) })
      .where('id', '=', result.id)
      .execute()
    return { id: result.id, seconds }
  }
  const targetOf = (row: ExecutionRow) => ({
    id: row.id,
    workspaceId: row.workspace_id,
    importSourceId: row.import_source_id,
    appliedAt: row.applied_at!,
  })
  const revert = async (executionId: string) => {
    const row = await store.db
      .selectFrom('execution')
      .selectAll()
      .where('id', '=', executionId)
      .executeTakeFirstOrThrow()
    const id = randomUUID()
    await store.db
      .insertInto('execution')
      .values({
        id,
        workspace_id: ws,
        import_source_id: source.id,
        kind: 'revert',
        status: 'PROCESSING',
        scheduled: 0,
        dry_run: 0,
        created_at: new Date().toISOString(),
        started_at: null,
        finished_at: null,
        progress: null,
        result: null,
        failure_reason: null,
        client_progress: null,
        completed_at: null,
        applied_at: null,
        reverts_execution_id: executionId,
      })
      .execute()
    const start = performance.now()
    const { value: result, peakMb } = await withPeakRss(() =>
      runRevert(
        { store: importStore(store), catalog: engineCatalogPort(store) },
        {
          workspaceId: ws,
          importSourceId: source.id,
          executionId: id,
          target: targetOf(row),
          objectSchemaId: schemaId,
          force: false,
        },
      ),
    )
    const seconds = (performance.now() - start) / 1000
    await store.db
      .updateTable('execution')
      .set({ status: 'DONE', applied_at: new Date().toISOString(), result: JSON.stringify(result) })
      .where('id', '=', id)
      .execute()
    await store.db.updateTable('execution').set({ reverted_by: id }).where('id', '=', executionId).execute()
    return { seconds, peakMb, result }
  }
  const text = (r: RevertResult) => {
    const s = r.revert
    return `${s.objectsDeleted} deleted, ${s.objectsRestored} restored, ${s.objectsRecreated} re-created, ${s.conflictsSkipped} conflicts`
  }
  const rows: RevertBenchRow[] = []
  try {
    const loaded = await load(first)
    const undo = await revert(loaded.id)
    rows.push({
      engine,
      scenario: 'revert of a first load',
      objects: n,
      importSeconds: loaded.seconds,
      revertSeconds: undo.seconds,
      peakRssMb: undo.peakMb,
      summary: text(undo.result),
    })
    log(`${engine} revert of a first load: ${undo.seconds.toFixed(1)} s (${text(undo.result)})`)
    await load(first)
    const reimport = await load(changed)
    const undo2 = await revert(reimport.id)
    rows.push({
      engine,
      scenario: 'revert of a re-import with 10% changed',
      objects: undo2.result.revert.objectsRestored,
      importSeconds: reimport.seconds,
      revertSeconds: undo2.seconds,
      peakRssMb: undo2.peakMb,
      summary: text(undo2.result),
    })
    log(`${engine} revert of a 10% re-import: ${undo2.seconds.toFixed(1)} s (${text(undo2.result)})`)
  } finally {
    await booted.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
  return rows
}

export function revertTable(rows: RevertBenchRow[]): string {
  return [
    '| engine | scenario | objects | import s | revert s | objects/s | peak RSS MB | revert |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.engine} | ${r.scenario} | ${r.objects} | ${r.importSeconds.toFixed(1)} | ${r.revertSeconds.toFixed(1)} | ${Math.round(r.objects / r.revertSeconds)} | ${r.peakRssMb} | ${r.summary} |`,
    ),
  ].join('\n')
}
