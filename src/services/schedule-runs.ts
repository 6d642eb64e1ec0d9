/**
 * The runs of import schedules: claiming due times (the scheduler's tick) and the `run-schedule` job that starts a
 * pull source's import or delivers an external source's callback.
 */
import { randomUUID } from 'node:crypto'
import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import { AppError, NotFoundError } from '../domain/errors.js'
import { nextRunAfter } from '../domain/schedule/cadence.js'
import {
  CALLBACK_MAX_ATTEMPTS,
  CALLBACK_TIMEOUT_MS,
  CATCH_UP_AFTER_MS,
  type ScheduleRunOutcome,
} from '../domain/schedule/schedule.types.js'
import { backoffMs, jobQueue, type JobEnd, type JobRow } from '../jobs/job-queue.js'
import type { JobContext, JobHandler } from '../jobs/worker.js'
import type { Store } from '../store/create-store.js'
import { executionRepository } from '../store/repositories/execution.repository.js'
import {
  scheduleRepository as repo,
  type ScheduleRow,
  type ScheduleRunRow,
} from '../store/repositories/schedule.repository.js'
import type { ExecutionService } from './execution.service.js'
import type { FileImportService } from './file-import.service.js'
import type { ImportSourceService } from './import-source.service.js'
import { callbackRequest, fetchCallbackSender, type CallbackSender } from './schedule-callback.js'
import { cadenceOf } from './schedule.service.js'

/**
 * The queue of schedule runs, apart from executions: a run is short (it queues an import, or posts a callback) and
 * must not wait behind a long import for a free worker slot.
 */
export const SCHEDULE_QUEUE = 'schedules'
/** The job that carries out one claimed due time. */
export const RUN_SCHEDULE = 'run-schedule'
/** Due schedules claimed per tick at most; the rest wait for the next tick. */
const CLAIM_BATCH = 50

export interface ScheduleRunnerDeps {
  store: Store
  sources: ImportSourceService
  fileImports: Pick<FileImportService, 'start'>
  executions: Pick<ExecutionService, 'running'>
  sendCallback?: CallbackSender
  clock?: Clock
  /** First retry delay of a failed callback (doubling, with jitter, at most a minute). */
  callbackRetryBaseMs?: number
}

export class ScheduleRunner {
  private readonly clock: Clock
  private readonly send: CallbackSender
  /** Called after runs were queued; the composition root points it at this process's schedule worker. */
  onQueued: (() => void) | null = null

  constructor(private readonly deps: ScheduleRunnerDeps) {
    this.clock = deps.clock ?? systemClock
    this.send = deps.sendCallback ?? fetchCallbackSender
  }

  /**
   * Claims every due time that has come and queues its run. Several schedulers (one per worker process) may tick at
   * once: the claim is one guarded UPDATE that moves the schedule's next run on only while it still names the due
   * time, so exactly one of them wins; the run row (unique per schedule and due time) and its job are written in
   * the same transaction. The next run is the first one after now: runs missed while no scheduler ran are not
   * replayed one by one; the one claimed late is marked as the catch-up run.
   */
  async claimDue(): Promise<number> {
    const now = this.clock()
    const due = await repo.due(this.deps.store.db, now.toISOString(), CLAIM_BATCH)
    let claimed = 0
    for (const schedule of due) {
      if (await this.claim(schedule, now)) claimed++
    }
    if (claimed > 0) this.onQueued?.()
    return claimed
  }

  private claim(schedule: ScheduleRow, now: Date): Promise<boolean> {
    const dueAt = schedule.next_run_at!
    // ONCE has one due time: once claimed, nothing is left (even when it was moved by hand).
    const next = schedule.run_frequency === 'ONCE' ? null : nextRunAfter(cadenceOf(schedule), now)
    const nowIso = now.toISOString()
    return this.deps.store.db.transaction().execute(async (trx) => {
      const won = await repo.advance(trx, schedule.id, dueAt, {
        next_run_at: next?.toISOString() ?? null,
        last_run_at: dueAt,
        // A ONCE schedule is done after its run.
        ...(next === null && { is_active: 0 }),
      })
      if (!won) return false
      const runId = randomUUID()
      await repo.insertRun(trx, {
        id: runId,
        schedule_id: schedule.id,
        workspace_id: schedule.workspace_id,
        import_source_id: schedule.import_source_id,
        due_at: dueAt,
        catch_up: now.getTime() - new Date(dueAt).getTime() > CATCH_UP_AFTER_MS ? 1 : 0,
        outcome: 'pending',
        reason: null,
        execution_id: null,
        created_at: nowIso,
        finished_at: null,
      })
      await jobQueue.enqueue(
        trx,
        {
          queue: SCHEDULE_QUEUE,
          kind: RUN_SCHEDULE,
          subject: runId,
          payload: { runId },
          runAt: nowIso,
          maxAttempts: CALLBACK_MAX_ATTEMPTS,
        },
        nowIso,
      )
      return true
    })
  }

  /** The `run-schedule` job handler. */
  handler(): JobHandler {
    return async (job, ctx) => {
      const db = this.deps.store.db
      const run = await repo.findRun(db, job.subject ?? '')
      if (!run || run.outcome !== 'pending') {
        await jobQueue.complete(db, job.id, ctx.workerId, 'cancelled', isoNow(this.clock))
        return
      }
      const schedule = await repo.findById(db, run.schedule_id)
      try {
        const source = await this.deps.sources.get(run.workspace_id, run.import_source_id)
        if (!schedule) return await this.end(job, ctx, run, 'skipped', 'the schedule was deleted')
        if (!source.enabled) return await this.end(job, ctx, run, 'skipped', 'the import source is disabled')
        if (source.type === 'external') return await this.deliver(job, ctx, run, schedule)
        return await this.startPull(job, ctx, run, schedule)
      } catch (error) {
        if (NotFoundError.is(error))
          return this.end(job, ctx, run, 'skipped', 'the import source was deleted')
        const reason = error instanceof Error ? error.message : String(error)
        await this.end(job, ctx, run, 'failed', reason.slice(0, 1024), 'failed')
      }
    }
  }

  /**
   * Starts the pull source's import as `import/start` does; a refusal (409: running, no file …) is a skip. The
   * execution gets the run's id: a job retried after its worker died finds the execution it started, and never
   * starts a second one.
   */
  private async startPull(job: JobRow, ctx: JobContext, run: ScheduleRunRow, schedule: ScheduleRow) {
    const already = await executionRepository.findById(this.deps.store.db, run.id)
    if (already) return this.end(job, ctx, run, 'started', null, 'done', already.id)
    try {
      const execution = await this.deps.fileImports.start(run.workspace_id, run.import_source_id, {
        actor: `schedule:${schedule.id}`,
        scheduled: true,
        executionId: run.id,
      })
      await this.end(job, ctx, run, 'started', null, 'done', execution.id)
    } catch (error) {
      if (error instanceof AppError && error.status === 409)
        return this.end(job, ctx, run, 'skipped', error.message)
      throw error
    }
  }

  /**
   * Delivers the signed callback. Each attempt is recorded; a failed one is retried with backoff (the job goes back
   * to the queue) until CALLBACK_MAX_ATTEMPTS, then the run fails with the last error.
   */
  private async deliver(job: JobRow, ctx: JobContext, run: ScheduleRunRow, schedule: ScheduleRow) {
    const db = this.deps.store.db
    if (job.attempts === 1) {
      const running = await this.deps.executions.running(run.workspace_id, run.import_source_id)
      if (running)
        return this.end(job, ctx, run, 'skipped', `execution ${running.id} of the source was still running`)
    }
    const now = this.clock()
    const { raw, headers } = callbackRequest(schedule.callback_secret, {
      workspaceId: run.workspace_id,
      importsourceId: run.import_source_id,
      importScheduleId: schedule.id,
      scheduledTime: run.due_at,
      timestamp: Math.floor(now.getTime() / 1000),
    })
    const outcome = await this.send(schedule.callback_url ?? '', raw, headers, CALLBACK_TIMEOUT_MS)
    await repo.insertAttempt(db, {
      run_id: run.id,
      attempt: job.attempts,
      attempted_at: now.toISOString(),
      status_code: outcome.statusCode,
      error: outcome.error,
      duration_ms: outcome.durationMs,
    })
    if (outcome.error === null) return this.end(job, ctx, run, 'delivered', null)
    if (job.attempts < job.max_attempts) {
      const delay = backoffMs(job.attempts, this.deps.callbackRetryBaseMs ?? 2000)
      const runAt = new Date(this.clock().getTime() + delay).toISOString()
      await jobQueue.release(db, job.id, ctx.workerId, runAt, outcome.error, true)
      return
    }
    const reason = `the callback failed ${job.attempts} times; last: ${outcome.error}`
    await this.end(job, ctx, run, 'failed', reason, 'failed')
  }

  /** Ends the run and its job together; nothing happens when the job was taken from this worker. */
  private end(
    job: JobRow,
    ctx: JobContext,
    run: ScheduleRunRow,
    outcome: ScheduleRunOutcome,
    reason: string | null,
    state: JobEnd = 'done',
    executionId: string | null = null,
  ): Promise<void> {
    return this.deps.store.db.transaction().execute(async (trx) => {
      const now = isoNow(this.clock)
      if (!(await jobQueue.complete(trx, job.id, ctx.workerId, state, now, reason ?? undefined))) return
      await repo.endRun(trx, run.id, { outcome, reason, execution_id: executionId, finished_at: now })
    })
  }

  /** A run whose job failed for good elsewhere (the reaper gave up on it) ends as failed. */
  async failRun(job: JobRow, reason: string): Promise<void> {
    if (job.kind !== RUN_SCHEDULE || !job.subject) return
    await repo.endRun(this.deps.store.db, job.subject, {
      outcome: 'failed',
      reason: reason.slice(0, 1024),
      finished_at: isoNow(this.clock),
    })
  }
}
