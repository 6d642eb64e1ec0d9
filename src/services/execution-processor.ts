import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import { engineSettingsFrom } from '../engine/engine-settings.js'
import type { DataChunk } from '../engine/engine-types.js'
import { ImportHeld } from '../engine/delete-guard.js'
import { ImportCancelled, runImport } from '../engine/run-import.js'
import { jobQueue, type JobRow } from '../jobs/job-queue.js'
import type { JobHandler } from '../jobs/worker.js'
import type { Db, Store } from '../store/create-store.js'
import { executionRepository as repo } from '../store/repositories/execution.repository.js'
import { enginePorts } from './engine-ports.js'
import {
  committingStore,
  engineOutcome,
  executionToRun,
  jobFinisher,
  LostJob,
  watchRun,
} from './execution-job.js'
import { deleteGuardFor, heldPatch } from './execution-hold.service.js'
import type { ExecutionRuns } from './execution-runs.js'
import type { ImportSourceService } from './import-source.service.js'
import type { PlanService } from './plan.service.js'
import type { WorkspaceSettingsService } from './workspace-settings.service.js'

/** Chunks are read this many at a time while the engine consumes them (bounded memory). */
const CHUNK_PAGE = 8

export interface ProcessorDeps {
  /** The store of the API and the queue: chunks are read and outcomes written here. */
  store: Store
  /** The store the engine writes through (its own connection on SQLite, so chunk reads never wait on it). */
  engineStore: Store
  runs: ExecutionRuns
  sources: ImportSourceService
  /** Keeps the complete plan and input of dry runs (plan → apply). */
  plans?: PlanService
  /** The workspace default of the mass-delete guard (without it, only a source's own guard applies). */
  workspaceSettings?: WorkspaceSettingsService
  clock?: Clock
}

/** Streams the chunks of an execution in order, a page at a time. */
export async function* storedChunks(db: Db, executionId: string): AsyncIterable<DataChunk> {
  let after = 0
  for (;;) {
    const rows = await repo.payloadsAfter(db, executionId, after, CHUNK_PAGE)
    if (rows.length === 0) return
    for (const row of rows) {
      after = row.seq
      // better-sqlite3 answers synchronously: yield to the event loop so that the API stays responsive
      // (status, cancel) while the engine works through the chunks.
      await new Promise((resolve) => setImmediate(resolve))
      if (row.payload !== null) yield JSON.parse(row.payload) as DataChunk
    }
  }
}

/** The `process-execution` job: feeds the stored chunks to the engine and stores the outcome. */
export function processExecution(deps: ProcessorDeps): JobHandler {
  const clock = deps.clock ?? systemClock
  const db = deps.store.db

  const finish = jobFinisher(db, clock)

  return async (job, ctx) => {
    const executionId = job.subject ?? ''
    const execution = await executionToRun(db, clock, finish, job, ctx, 'execution')
    if (!execution) return
    const source = await deps.sources.get(execution.workspace_id, execution.import_source_id)
    const mapping = await deps.sources.mapping(execution.workspace_id, execution.import_source_id)
    if (!mapping || mapping.objectSchemaId === null) {
      const reason = 'The import source has no schema and mapping'
      return finish(job, ctx, 'failed', { status: 'FAILED', failure_reason: reason }, reason)
    }
    await repo.updateIfStatus(db, executionId, ['PROCESSING'], { started_at: isoNow(clock) })

    const dryRun = execution.dry_run === 1
    const deleteGuard = await deleteGuardFor(deps.workspaceSettings, execution, source.settings.deleteGuard)
    // The engine's transaction also proves the job is still ours and records that the data is in.
    const engineStore = committingStore(deps.engineStore, clock, job, ctx)
    const settings = engineSettingsFrom(source.settings)
    const recorder = dryRun
      ? await deps.plans?.recorder(execution, {
          document: mapping.document,
          settings,
          mappingVersion: mapping.version,
          partialRead: false,
        })
      : undefined
    const watch = watchRun(deps.store, deps.runs, executionId, ctx)
    try {
      const result = await runImport(
        enginePorts(dryRun ? deps.engineStore : engineStore, execution.workspace_id),
        {
          workspaceId: execution.workspace_id,
          importSourceId: execution.import_source_id,
          executionId,
          objectSchemaId: mapping.objectSchemaId,
          document: mapping.document,
          settings,
          data: recorder ? recorder.tee(storedChunks(db, executionId)) : storedChunks(db, executionId),
          // Each chunk is parsed from its stored payload for this run alone.
          releaseEntries: true,
          dryRun,
          ...(recorder && { planSink: recorder.sink }),
          deleteGuard,
          signal: watch.signal,
          onProgress: watch.onProgress,
        },
      )
      const end = engineOutcome(recorder ? await recorder.store(result) : result, watch.latest)
      await finish(job, ctx, end.state, end.patch, end.error)
    } catch (error) {
      await recorder?.discard()
      if (error instanceof LostJob) return
      if (error instanceof ImportHeld && deleteGuard) {
        // Rolled back, nothing written: the job ends, the execution waits (HELD) for an approval or a rejection.
        return finish(job, ctx, 'done', heldPatch(execution, error, deleteGuard, isoNow(clock), null))
      }
      if (!(error instanceof ImportCancelled)) throw error
      if (watch.cancelled || !ctx.shutdown.aborted) {
        await finish(job, ctx, 'cancelled', { status: 'CANCELLED' })
      } else {
        // Shutdown: nothing was written; the job goes back to the queue and is resumed by the next worker.
        await jobQueue.release(db, job.id, ctx.workerId, isoNow(clock), 'worker shut down', false)
      }
    } finally {
      watch.stop()
    }
  }
}

/** Marks the execution of a job that failed for good as FAILED with the reason. */
export function failExecution(store: Store, clock: Clock = systemClock) {
  return async (job: JobRow, reason: string): Promise<void> => {
    if (!job.subject) return
    await repo.updateIfStatus(store.db, job.subject, ['PROCESSING'], {
      status: 'FAILED',
      failure_reason: reason.slice(0, 1024),
      finished_at: isoNow(clock),
    })
  }
}
