import { isoNow, systemClock, type Clock } from '../../domain/clock.js'
import { RevertConflictError } from '../../domain/execution/revert-errors.js'
import { ImportCancelled } from '../../engine/run-import.js'
import { jobQueue } from '../../jobs/job-queue.js'
import type { JobHandler } from '../../jobs/worker.js'
import type { Store } from '../../store/create-store.js'
import { importStore } from '../../store/import-store.js'
import { executionRepository as repo } from '../../store/repositories/execution.repository.js'
import { revertRepository } from '../../store/repositories/revert.repository.js'
import { engineCatalogPort } from '../engine-ports.js'
import { committingStore, executionToRun, jobFinisher, LostJob } from '../execution-job.js'
import type { ExecutionRuns } from '../execution-runs.js'
import type { ImportSourceService } from '../import-source.service.js'
import { runRevert, type RevertDeps } from './revert-run.js'
import { revertTarget, type RevertJobPayload } from './revert.service.js'

export interface RevertProcessorDeps {
  store: Store
  /** The store the revert writes through (the worker's engine connection). */
  engineStore: Store
  runs: ExecutionRuns
  sources: ImportSourceService
  clock?: Clock
  /** Test hook, see RevertDeps.afterStep. */
  afterStep?: RevertDeps['afterStep']
}

/**
 * The `revert-execution` job: runs the revert in one transaction (which also marks the reverted execution and
 * proves the job is still this worker's), then ends the execution DONE with its result, or FAILED with nothing
 * written (conflicts without force, or the execution can no longer be reverted).
 */
export function processRevert(deps: RevertProcessorDeps): JobHandler {
  const clock = deps.clock ?? systemClock
  const db = deps.store.db
  const finish = jobFinisher(db, clock)
  return async (job, ctx) => {
    const executionId = job.subject ?? ''
    const execution = await executionToRun(db, clock, finish, job, ctx, 'execution')
    if (!execution) return
    const payload = JSON.parse(String(job.payload)) as RevertJobPayload
    const fail = (reason: string) =>
      finish(job, ctx, 'failed', { status: 'FAILED', failure_reason: reason.slice(0, 1024) }, reason)
    const original = await repo.findById(db, payload.executionId)
    // The schema the execution wrote into (its result names it; else the source's mapping's).
    const written = original?.result ? (JSON.parse(original.result) as { objectSchemaId?: unknown }) : null
    const objectSchemaId =
      typeof written?.objectSchemaId === 'number'
        ? written.objectSchemaId
        : ((await deps.sources.mapping(execution.workspace_id, execution.import_source_id))?.objectSchemaId ??
          null)
    if (!original || objectSchemaId === null)
      return fail('The execution to revert or the schema it wrote into is gone')
    await repo.updateIfStatus(db, executionId, ['PROCESSING'], { started_at: isoNow(clock) })
    const run = deps.runs.begin(executionId)
    // A cancel (DELETE …/executions/{id}) or a shutdown stops the revert between its steps: nothing is written.
    const stopped = (): boolean => run.signal.aborted || ctx.shutdown.aborted
    try {
      const target = await revertTarget(db, original)
      const store = committingStore(deps.engineStore, clock, job, ctx, (tx) =>
        revertRepository.markReverted(tx.db, original.id, executionId),
      )
      const result = await runRevert(
        {
          store: importStore(store),
          catalog: engineCatalogPort(deps.engineStore),
          afterStep: async (step) => {
            await deps.afterStep?.(step)
            if (stopped()) throw new ImportCancelled()
          },
        },
        {
          workspaceId: execution.workspace_id,
          importSourceId: execution.import_source_id,
          executionId,
          target,
          objectSchemaId,
          force: payload.force,
        },
      )
      await finish(job, ctx, 'done', { status: 'DONE', result: JSON.stringify(result) })
    } catch (error) {
      if (error instanceof LostJob) return
      if (error instanceof ImportCancelled) {
        if (run.signal.aborted || !ctx.shutdown.aborted)
          return finish(job, ctx, 'cancelled', { status: 'CANCELLED' })
        // Shutdown: the job goes back to the queue and the next worker runs the revert.
        await jobQueue.release(db, job.id, ctx.workerId, isoNow(clock), 'worker shut down', false)
        return
      }
      if (RevertConflictError.is(error)) {
        const listed = error.details.conflicts
          .slice(0, 10)
          .map((c) => `${c.key}: ${c.reason}`)
          .join('; ')
        return fail(`${error.message}. ${listed}`)
      }
      if (error instanceof Error && 'status' in error && (error as { status: number }).status === 409)
        return fail(error.message)
      throw error
    } finally {
      run.finish()
    }
  }
}
