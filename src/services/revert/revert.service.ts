import { randomUUID } from 'node:crypto'
import { isoNow, systemClock, type Clock } from '../../domain/clock.js'
import { NotFoundError } from '../../domain/errors.js'
import type { Execution } from '../../domain/execution/execution.types.js'
import {
  RevertConflictError,
  RevertNotAllowedError,
  REVERT_CONFLICTS_LISTED,
} from '../../domain/execution/revert-errors.js'
import { jobQueue } from '../../jobs/job-queue.js'
import type { Db, Store } from '../../store/create-store.js'
import {
  executionRepository as repo,
  type ExecutionRow,
} from '../../store/repositories/execution.repository.js'
import { EXECUTION_QUEUE } from '../execution.service.js'
import type { ExecutionRuns } from '../execution-runs.js'
import { NOT_STARTED, startExecutionIn } from '../execution-start.js'
import { toExecution } from '../execution-view.js'
import type { ImportSourceService } from '../import-source.service.js'
import { findConflicts, readLog, type RevertTarget } from './revert-plan.js'

export const REVERT_EXECUTION = 'revert-execution'

/** The job's payload. */
export interface RevertJobPayload {
  executionId: string
  force: boolean
}

/**
 * `POST …/executions/{id}/revert`: checks that the execution may be reverted and that nothing it wrote changed
 * since (409 REVERT_CONFLICT listing them, unless `force`), then queues the revert as an execution of kind
 * 'revert' (the job re-checks inside its transaction: see revert-run.ts).
 */
export class RevertService {
  constructor(
    private readonly store: Store,
    private readonly sources: ImportSourceService,
    private readonly runs: ExecutionRuns,
    private readonly clock: Clock = systemClock,
  ) {}

  async request(
    workspaceId: string,
    importSourceId: string,
    executionId: string,
    options: { force?: boolean; actor?: string | null } = {},
  ): Promise<Execution> {
    const force = options.force === true
    const original = await repo.find(this.store.db, workspaceId, importSourceId, executionId)
    if (!original) throw NotFoundError({ entity: 'Execution', id: executionId })
    const target = await revertTarget(this.store.db, original)
    if (!force) {
      const conflicts = await findConflicts(this.store.db, target, await readLog(this.store.db, target.id))
      if (conflicts.size > 0)
        throw RevertConflictError({
          executionId,
          total: conflicts.size,
          conflicts: [...conflicts.values()].slice(0, REVERT_CONFLICTS_LISTED),
        })
    }
    const id = randomUUID()
    await startExecutionIn(this.store, this.sources, workspaceId, importSourceId, async (trx) => {
      // Repeated inside the transaction: a concurrent revert of the same execution is refused here.
      const again = await repo.findById(trx, executionId)
      await revertTarget(trx, again ?? original)
      if (await hasPendingRevert(trx, executionId)) {
        throw RevertNotAllowedError({ executionId, reason: 'a revert of it is already queued' })
      }
      const now = isoNow(this.clock)
      await repo.insert(trx, {
        id,
        workspace_id: workspaceId,
        import_source_id: importSourceId,
        kind: 'revert',
        status: 'PROCESSING',
        scheduled: 0,
        dry_run: 0,
        created_at: now,
        ...NOT_STARTED,
        completed_at: now,
        actor: options.actor ?? null,
        reverts_execution_id: executionId,
      })
      const payload: RevertJobPayload = { executionId, force }
      await jobQueue.enqueue(
        trx,
        { queue: EXECUTION_QUEUE, kind: REVERT_EXECUTION, subject: id, payload, runAt: now },
        now,
      )
    })
    this.runs.notifyEnqueued()
    const row = await repo.findById(this.store.db, id)
    return toExecution(row!)
  }
}

/** The execution as a revert target, or 409 REVERT_NOT_ALLOWED saying why it cannot be reverted. */
export async function revertTarget(db: Db, e: ExecutionRow): Promise<RevertTarget> {
  const refuse = (reason: string) => RevertNotAllowedError({ executionId: e.id, reason })
  if (e.dry_run === 1) throw refuse('it is a dry run, which wrote nothing')
  if (e.status === 'INGESTING' || e.status === 'PROCESSING' || e.status === 'PAUSED')
    throw refuse(`it is still running (${e.status})`)
  if (e.status === 'HELD')
    throw refuse('it is held by the mass-delete guard and wrote nothing yet: approve or reject it')
  if (e.status !== 'DONE' || e.applied_at === null)
    throw refuse(`it ended ${e.status} and wrote nothing to take back`)
  if (e.reverted_by !== null) {
    const by = await repo.findById(db, e.reverted_by)
    // Reverted, unless that revert was itself reverted.
    if (by && by.reverted_by === null) throw refuse(`it was already reverted by execution ${by.id}`)
  }
  return {
    id: e.id,
    workspaceId: e.workspace_id,
    importSourceId: e.import_source_id,
    appliedAt: e.applied_at,
  }
}

async function hasPendingRevert(db: Db, executionId: string): Promise<boolean> {
  const row = await db
    .selectFrom('execution')
    .select('id')
    .where('reverts_execution_id', '=', executionId)
    .where('status', 'in', ['INGESTING', 'PROCESSING', 'PAUSED'])
    .executeTakeFirst()
  return row !== undefined
}
