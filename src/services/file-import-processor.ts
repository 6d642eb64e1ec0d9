import { Value } from '@sinclair/typebox/value'
import {
  TABULAR_ROOT,
  type ConnectorType,
  type ReadState,
  type RecordBatch,
} from '../connectors/connector.js'
import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import { DatabaseBusyError } from '../domain/errors.js'
import { fileNamesOnly } from '../domain/file-names-only.js'
import { IMPORT_STEPS, type FileImportProgress } from '../domain/execution/execution.types.js'
import type { NormalizedDocument } from '../domain/mapping/document.types.js'
import { engineSettingsFrom } from '../engine/engine-settings.js'
import type { DataChunk, EngineSettings, EntryProblem } from '../engine/engine-types.js'
import { ImportHeld, type DeleteGuardInput } from '../engine/delete-guard.js'
import { ImportCancelled, runImport } from '../engine/run-import.js'
import { jobQueue } from '../jobs/job-queue.js'
import type { JobHandler } from '../jobs/worker.js'
import type { Store } from '../store/create-store.js'
import { translateDbError } from '../store/translate-error.js'
import { executionRepository as repo, type ExecutionRow } from '../store/repositories/execution.repository.js'
import { readStateRepository } from '../store/repositories/read-state.repository.js'
import { enginePorts } from './engine-ports.js'
import { committingStore, engineOutcome, executionToRun, jobFinisher, LostJob } from './execution-job.js'
import { deleteGuardFor, heldPatch, holdOf } from './execution-hold.service.js'
import type { ExecutionRuns } from './execution-runs.js'
import { withPath, type AnyConnector, type ConnectorCatalog } from './file-connectors.js'
import type { ImportFileService } from './import-file.service.js'
import type { ImportSourceService } from './import-source.service.js'
import { preparePullSource } from './pull-source.js'
import type { PlanRecorder, PlanService } from './plan.service.js'
import type { WorkspaceSettingsService } from './workspace-settings.service.js'

/**
 * Entries per connector batch (the engine's chunk). The engine keeps a chunk's rows until it maps them, each released
 * once mapped; rows parsed long before they are mapped outlive the young generation: at 5,000 a first load's read +
 * map promoted ~1.2 KB per entry under the server's 4 MB semi-spaces, at 1,000 (with SQLite's 1,000-entry batches)
 * ~0.15 KB (docs/benchmarks.md, issue 11 tenth pass, mapgc2).
 */
export const FILE_BATCH_SIZE = 1000
/** How often a run stores its progress (PostgreSQL) and looks for a pause or cancel from another process. */
const TICK_MS = 1000

export interface FileImportProcessorDeps {
  store: Store
  engineStore: Store
  runs: ExecutionRuns
  sources: ImportSourceService
  files: ImportFileService
  connectors: ConnectorCatalog
  /** The workspace default of the mass-delete guard (without it, only a source's own guard applies). */
  workspaceSettings?: WorkspaceSettingsService
  clock?: Clock
  /** Keeps the complete plan and input of dry runs of import sources (plan → apply). */
  plans?: PlanService
  /** Entries per batch (tests make it small to pause mid-file). */
  batchSize?: number
  /** Test hook: awaited before each batch is handed to the engine (`signal` aborts on pause, cancel, shutdown). */
  beforeBatch?: (executionId: string, batchIndex: number, signal: AbortSignal) => Promise<void>
  /**
   * What the run reads and how it maps it (step 1). Default: the import source's file, connector config, stored
   * mapping and settings. Upload jobs (POST /api/v1/entities/:entity/import) bring their own file and mapping.
   */
  resolve?: (execution: ExecutionRow) => Promise<FileRun>
}

/**
 * Everything one pull run needs: the connector and its config (a file connector's with the file's path, a
 * connection's with its secrets decrypted), the mapping, the settings.
 */
export interface FileRun {
  type: ConnectorType
  connector: AnyConnector
  config: Record<string, unknown>
  /** The file read (file connectors); null for a connection (database, directory, REST endpoint). */
  file: { name: string; size: number; path?: string } | null
  /** What step 2 opens, in words (the file's name, or `the sql source`). */
  what: string
  /** Whether the source's read state applies (incremental reads of an import source; never for upload jobs). */
  incremental: boolean
  objectSchemaId: number
  document: NormalizedDocument
  settings: EngineSettings
  /** The mass-delete guard (import sources; upload jobs are not guarded). */
  deleteGuard?: DeleteGuardInput | null
  /** Rewrites the rows of each tabular batch before the engine maps them; `offset` is the index of the first. */
  prepareRows?: (rows: unknown[], offset: number) => { rows: unknown[]; problems: EntryProblem[] }
}

/** A step failed for a reason the user must fix (the execution ends FAILED with it). */
class StepFailed extends Error {}

/**
 * Step 1 of an import source's run: a source a connector reads (with its file, for a file connector), a valid
 * connector config and a mapping.
 */
function sourceRun(deps: FileImportProcessorDeps): (execution: ExecutionRow) => Promise<FileRun> {
  return async (execution) => {
    const ws = execution.workspace_id
    const sourceId = execution.import_source_id
    const mapping = await deps.sources.mapping(ws, sourceId)
    if (!mapping || mapping.objectSchemaId === null)
      throw new StepFailed('The import source has no schema and mapping')
    const {
      source,
      connector,
      config: current,
      file: currentFile,
    } = await preparePullSource(deps, ws, sourceId)
    let config = current
    let file =
      currentFile === null
        ? null
        : { name: currentFile.info.name, size: currentFile.size, path: currentFile.path }
    // An approved hold reads the file the held run read, even if the source's file was replaced meanwhile.
    const kept = holdOf(execution)?.keptFile
    if (kept && file !== null) {
      const copy = await deps.files.keptFile(sourceId, kept)
      if (!copy) throw new StepFailed('The file the held execution read is no longer kept; import again')
      config = withPath(connector, current, copy.path)
      file = { name: file.name, size: copy.size, path: copy.path }
    }
    return {
      type: source.type as ConnectorType,
      connector,
      config,
      file,
      what: file === null ? `the ${source.type} source` : file.name,
      incremental: true,
      objectSchemaId: mapping.objectSchemaId,
      document: mapping.document,
      settings: engineSettingsFrom(source.settings),
      deleteGuard: await deleteGuardFor(deps.workspaceSettings, execution, source.settings.deleteGuard),
    }
  }
}

/**
 * The selector roots the data must carry: tabular connectors put the same rows under every single-segment
 * selector of the mapping (so any name works) and under `rows`.
 */
function tabularRoots(document: NormalizedDocument): string[] {
  const roots = new Set<string>([TABULAR_ROOT])
  for (const m of document.objectTypeMappings) {
    if (!m.selector.includes('.')) roots.add(m.selector)
  }
  return [...roots]
}

/**
 * The `process-file-import` job: the six steps of seed 000 over the source (its file, or the connection its
 * config names), then the engine.
 */
export function processFileImport(deps: FileImportProcessorDeps): JobHandler {
  const clock = deps.clock ?? systemClock
  const db = deps.store.db
  const batchSize = deps.batchSize ?? FILE_BATCH_SIZE
  const resolve = deps.resolve ?? sourceRun(deps)

  const finish = jobFinisher(db, clock)

  return async (job, ctx) => {
    const executionId = job.subject ?? ''
    const execution = await executionToRun(db, clock, finish, job, ctx, 'import')
    if (!execution) return
    const ws = execution.workspace_id
    const sourceId = execution.import_source_id

    const run = deps.runs.begin(executionId)
    const controller = new AbortController()
    const onShutdown = () => controller.abort()
    run.signal.addEventListener('abort', () => controller.abort())
    ctx.shutdown.addEventListener('abort', onShutdown)
    let progress: FileImportProgress = {
      step: 1,
      description: 'Checking the configuration, the file and the mapping',
      phase: 'validation',
      entriesRead: 0,
      objectsWritten: 0,
      bytesRead: 0,
      totalBytes: 0,
    }
    const report = (change: Partial<FileImportProgress>) => {
      progress = { ...progress, ...change }
      run.report(progress)
    }
    report({})
    const storeProgress = deps.store.caps.dialect === 'postgres'
    /** Before the engine's transaction nothing holds the write lock: steps are stored on both dialects. */
    const step = async (n: number, description: string) => {
      controller.signal.throwIfAborted()
      report({ step: n, description, phase: IMPORT_STEPS[n - 1]!.toLowerCase() })
      await repo.updateIfStatus(db, executionId, ['PROCESSING'], { progress: JSON.stringify(progress) })
    }
    const tick = setInterval(() => {
      void (async () => {
        const row = await repo.findById(db, executionId)
        if (row && (row.cancel_requested === 1 || row.status !== 'PROCESSING')) controller.abort()
        if (storeProgress)
          await repo.updateIfStatus(db, executionId, ['PROCESSING'], { progress: JSON.stringify(progress) })
      })().catch(() => undefined)
    }, TICK_MS)

    /** Once an approved hold's re-run ended (not held again), its kept file goes. */
    const dropKept = async (): Promise<void> => {
      const kept = holdOf(execution)?.keptFile
      if (kept) await deps.files.dropKept(sourceId, kept).catch(() => undefined)
    }
    const signal = controller.signal
    let recorder: PlanRecorder | undefined
    let resolved: FileRun | undefined
    try {
      await repo.updateIfStatus(db, executionId, ['PROCESSING'], {
        started_at: execution.started_at ?? isoNow(clock),
        progress: JSON.stringify(progress),
      })
      // 1 Validation: what to read (a file confined again, or a connection), the connector config valid, a mapping.
      const plan = await resolve(execution)
      resolved = plan
      const { connector, config } = plan
      const invalid = [...Value.Errors(connector.configSchema, config)]
      if (invalid.length > 0) {
        const list = invalid.map((e) => `${e.path || '/'} ${e.message}`).join('; ')
        throw new StepFailed(`The connector configuration is invalid: ${list}`)
      }
      if (plan.file !== null) report({ totalBytes: plan.file.size })

      // 2 Connection
      await step(2, `Opening ${plan.what}`)
      const check = await connector.testConnection(config, signal)
      if (!check.ok) throw new StepFailed(`${check.code}: ${check.message}`)

      // 3 Schema discovery: the header row of a tabular file. The roots of other sources are found while they
      // are read (discovering them would read them once more).
      const tabular = connector.tabular
      if (tabular) {
        await step(3, 'Reading the header of the file')
        await connector.discoverSchema(config, { sampleSize: 1, signal })
      } else {
        await step(3, 'The roots of the source are found while it is read')
      }

      // 4 Mapping
      await step(4, 'Preparing the mapping')
      const roots = tabular ? tabularRoots(plan.document) : []
      // Incremental reads: the state the last completed run ended with, unless this run reads everything.
      const stored =
        !plan.incremental || execution.full_read === 1 ? null : await readStateRepository.find(db, sourceId)
      const since = stored === null ? undefined : (JSON.parse(stored) as ReadState)
      let readState: ReadState | undefined

      // 5 Processing
      await step(5, 'Importing objects')
      signal.throwIfAborted()
      const pendingProblems: EntryProblem[] = []
      let batchIndex = 0
      let rowOffset = 0
      const data = async function* (): AsyncIterable<DataChunk> {
        for await (const batch of connector.read(config, {
          batchSize,
          signal,
          ...(since !== undefined && { since }),
        }) as AsyncIterable<RecordBatch>) {
          await deps.beforeBatch?.(executionId, batchIndex++, signal)
          signal.throwIfAborted()
          pendingProblems.push(...batch.problems)
          if (batch.readState !== undefined) readState = batch.readState
          if (batch.bytesRead !== undefined) report({ bytesRead: batch.bytesRead })
          if (!tabular) {
            yield batch.data
            continue
          }
          let rows = (batch.data[TABULAR_ROOT] ?? []) as unknown[]
          if (plan.prepareRows) {
            const prepared = plan.prepareRows(rows, rowOffset)
            pendingProblems.push(...prepared.problems)
            rows = prepared.rows
          }
          rowOffset += rows.length
          yield Object.fromEntries(roots.map((r) => [r, rows]))
          // better-sqlite3 answers synchronously: let status, pause and cancel requests in between batches.
          await new Promise((resolve) => setImmediate(resolve))
        }
      }
      const engineStore = committingStore(deps.engineStore, clock, job, ctx, async (tx) => {
        // A pause or cancel that reached the database (another process) after the last tick: roll back.
        const current = await tx.db
          .selectFrom('execution')
          .select(['status', 'cancel_requested'])
          .where('id', '=', executionId)
          .executeTakeFirst()
        if (current?.status !== 'PROCESSING' || current.cancel_requested === 1) throw new ImportCancelled()
        signal.throwIfAborted()
        // The read state commits with the data it describes: a run that rolls back leaves the previous one.
        if (plan.incremental && readState !== undefined)
          await readStateRepository.put(
            tx.db,
            sourceId,
            JSON.stringify(readState),
            executionId,
            isoNow(clock),
          )
      })
      // A dry run rolls back in the engine: nothing commits, so no job proof, applied mark or read state either.
      const dryRun = execution.dry_run === 1
      const mappingVersion =
        dryRun && execution.kind === 'file' ? await planMappingVersion(deps, execution) : null
      if (mappingVersion !== null)
        recorder = await deps.plans?.recorder(execution, {
          document: plan.document,
          settings: plan.settings,
          mappingVersion,
          partialRead: since !== undefined,
        })
      const result = await runImport(enginePorts(dryRun ? deps.engineStore : engineStore, ws), {
        workspaceId: ws,
        importSourceId: sourceId,
        executionId,
        objectSchemaId: plan.objectSchemaId,
        document: plan.document,
        settings: plan.settings,
        // Only what changed since the stored state was read: objects not seen are not missing.
        partialRead: since !== undefined,
        dryRun,
        data: recorder ? recorder.tee(data()) : data(),
        // The connector's batches are read for this run alone (the plan's copy is written before the engine sees them).
        releaseEntries: true,
        ...(recorder && { planSink: recorder.sink }),
        deleteGuard: plan.deleteGuard ?? null,
        drainSourceProblems: () => pendingProblems.splice(0),
        signal,
        onProgress: (p) =>
          report({ phase: p.phase, entriesRead: p.entriesRead, objectsWritten: p.objectsWritten }),
      })
      report({
        step: 6,
        description: 'Import finished',
        phase: 'completion',
        ...(plan.file !== null && { bytesRead: plan.file.size }),
      })
      const end = engineOutcome(
        recorder
          ? await recorder.store(
              result,
              plan.incremental && readState !== undefined ? JSON.stringify(readState) : null,
            )
          : result,
        progress,
      )
      await finish(job, ctx, end.state, end.patch, end.error)
      await dropKept()
    } catch (error) {
      await recorder?.discard()
      if (error instanceof LostJob) return
      const plan = resolved
      if (error instanceof ImportHeld && plan?.deleteGuard) {
        // Rolled back, nothing written: the job ends, the execution waits (HELD). The file it read is kept, so
        // that an approval reads the same content.
        const keptFile =
          holdOf(execution)?.keptFile ??
          (plan.file?.path ? await deps.files.keepForExecution(sourceId, executionId, plan.file.path) : null)
        report({ description: 'Held by the mass-delete guard', phase: 'held' })
        const patch = heldPatch(execution, error, plan.deleteGuard, isoNow(clock), keptFile)
        return finish(job, ctx, 'done', { ...patch, progress: JSON.stringify(progress) })
      }
      const stopped = error instanceof ImportCancelled || signal.aborted
      if (stopped) {
        if (ctx.shutdown.aborted && !run.signal.aborted) {
          // Shutdown: nothing was written; the job goes back to the queue and starts again with the next worker.
          await jobQueue.release(db, job.id, ctx.workerId, isoNow(clock), 'worker shut down', false)
          await repo.updateIfStatus(db, executionId, ['PROCESSING'], { progress: null })
          return
        }
        const current = await repo.findById(db, executionId)
        if (run.reason() === 'pause' || current?.status === 'PAUSED') {
          await db.transaction().execute(async (trx) => {
            if (!(await jobQueue.complete(trx, job.id, ctx.workerId, 'cancelled', isoNow(clock)))) return
            await repo.updateIfStatus(trx, executionId, ['PROCESSING'], { status: 'PAUSED', progress: null })
          })
          return
        }
        await finish(job, ctx, 'cancelled', { status: 'CANCELLED' })
        await dropKept()
        return
      }
      const translated = translateDbError(error)
      if (DatabaseBusyError.is(translated)) throw error
      // Stored and shown to clients: a file system message names the file, not where the server keeps it.
      const reason = fileNamesOnly(error instanceof Error ? error.message : String(error)).slice(0, 1024)
      await finish(job, ctx, 'failed', { status: 'FAILED', failure_reason: reason }, reason)
      await dropKept()
    } finally {
      clearInterval(tick)
      ctx.shutdown.removeEventListener('abort', onShutdown)
      run.finish()
    }
  }
}

/** The mapping version a dry run of an import source plans with (its plan is refused once the mapping changes). */
async function planMappingVersion(
  deps: FileImportProcessorDeps,
  execution: ExecutionRow,
): Promise<number | null> {
  if (!deps.plans) return null
  const mapping = await deps.sources.mapping(execution.workspace_id, execution.import_source_id)
  return mapping?.version ?? null
}
