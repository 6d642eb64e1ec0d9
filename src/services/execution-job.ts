/**
 * What the execution jobs (`process-execution`, `process-file-import`, `process-plan-apply`) share: their start,
 * the engine's commit, the watch over a run and their end.
 */
import { isoNow, type Clock } from '../domain/clock.js'
import type { LiveProgress } from '../domain/execution/execution.types.js'
import { jobQueue, type JobEnd, type JobRow } from '../jobs/job-queue.js'
import type { JobContext } from '../jobs/worker.js'
import type { BulkTransaction, Db, Store } from '../store/create-store.js'
import {
  executionRepository as repo,
  type ExecutionPatch,
  type ExecutionRow,
} from '../store/repositories/execution.repository.js'
import type { ExecutionRuns } from './execution-runs.js'

/** Ends the job and its execution (still PROCESSING) together. */
export type FinishJob = (
  job: JobRow,
  ctx: JobContext,
  state: JobEnd,
  patch: ExecutionPatch,
  error?: string,
) => Promise<void>

/** Ends the job and the execution together; nothing happens when the job was taken from this worker. */
export function jobFinisher(db: Db, clock: Clock): FinishJob {
  return (job, ctx, state, patch, error) =>
    db.transaction().execute(async (trx) => {
      const now = isoNow(clock)
      if (!(await jobQueue.complete(trx, job.id, ctx.workerId, state, now, error))) return
      await repo.updateIfStatus(trx, job.subject ?? '', ['PROCESSING'], { finished_at: now, ...patch })
    })
}

/**
 * The execution a job is to run, or `undefined` when the job has ended here already: the execution is gone or no
 * longer PROCESSING (the job is completed as cancelled), a cancel was requested (CANCELLED), or a worker stopped
 * after the data was committed (FAILED: the repository holds the whole `what`, its counters were lost).
 */
export async function executionToRun(
  db: Db,
  clock: Clock,
  finish: FinishJob,
  job: JobRow,
  ctx: JobContext,
  what: 'execution' | 'import',
): Promise<ExecutionRow | undefined> {
  const execution = await repo.findById(db, job.subject ?? '')
  if (!execution || execution.status !== 'PROCESSING') {
    await jobQueue.complete(db, job.id, ctx.workerId, 'cancelled', isoNow(clock))
    return undefined
  }
  if (execution.cancel_requested === 1) {
    await finish(job, ctx, 'cancelled', { status: 'CANCELLED' })
    return undefined
  }
  if (execution.applied_at !== null) {
    const reason = `The worker stopped after the data was committed; the repository holds the whole ${what}, its counters were lost`
    await finish(job, ctx, 'failed', { status: 'FAILED', failure_reason: reason }, reason)
    return undefined
  }
  return execution
}

/**
 * How an execution whose engine run returned ends: DONE, or FAILED (with the result kept, so its counters and
 * problems stay readable) when the engine says the run failed — every entry of the source was dropped.
 */
export function engineOutcome(
  result: { result: string; errorMessages: string | null },
  progress: unknown,
): { state: JobEnd; patch: ExecutionPatch; error?: string } {
  const common = { result: JSON.stringify(result), progress: JSON.stringify(progress) }
  if (result.result !== 'FAILED') return { state: 'done', patch: { status: 'DONE', ...common } }
  const reason = (result.errorMessages ?? 'The import failed').slice(0, 1024)
  return { state: 'failed', patch: { status: 'FAILED', failure_reason: reason, ...common }, error: reason }
}

/** The job was taken over by another worker: this one stops without a word. */
export class LostJob extends Error {}

/**
 * The store the engine writes through: its transaction also proves the job is still this worker's (else LostJob)
 * and records that the data is in (`applied_at`). `beforeCommit` runs in between and may throw to roll back.
 */
export function committingStore(
  engineStore: Store,
  clock: Clock,
  job: JobRow,
  ctx: JobContext,
  beforeCommit?: (tx: BulkTransaction) => Promise<void>,
): Store {
  const executionId = job.subject ?? ''
  return {
    ...engineStore,
    bulkTransaction: (fn) =>
      engineStore.bulkTransaction(async (tx) => {
        const result = await fn(tx)
        const now = isoNow(clock)
        const held = await jobQueue.heartbeat(tx.db, [job.id], ctx.workerId, now)
        if (held.length === 0) throw new LostJob('the job was taken over by another worker')
        await beforeCommit?.(tx)
        await tx.db.updateTable('execution').set({ applied_at: now }).where('id', '=', executionId).execute()
        return result
      }),
  }
}

/** How often a run stores its progress and looks for a cancel request from another process (PostgreSQL). */
const TICK_MS = 1000

/** An engine run as the job sees it: its abort signal, its latest progress and the end of the watch. */
export interface WatchedRun {
  /** Aborts on a cancel (this process or, through the tick, another), and on the worker's shutdown. */
  readonly signal: AbortSignal
  /** Whether the run itself was cancelled (not the worker shut down). */
  readonly cancelled: boolean
  readonly latest: LiveProgress | null
  onProgress(progress: LiveProgress): void
  stop(): void
}

/**
 * Watches one engine run of a job (push executions and plan applies): live progress in memory, stored each tick on
 * PostgreSQL (on SQLite the engine holds the one writer), a cancel requested through the database, and shutdown.
 */
export function watchRun(
  store: Store,
  runs: ExecutionRuns,
  executionId: string,
  ctx: JobContext,
): WatchedRun {
  const db = store.db
  const run = runs.begin(executionId)
  const controller = new AbortController()
  const onShutdown = () => controller.abort()
  run.signal.addEventListener('abort', () => controller.abort())
  ctx.shutdown.addEventListener('abort', onShutdown)
  let latest: LiveProgress | null = null
  const storeProgress = store.caps.dialect === 'postgres'
  const tick = setInterval(() => {
    void (async () => {
      const row = await repo.findById(db, executionId)
      if (row?.cancel_requested === 1) controller.abort()
      if (latest && storeProgress)
        await repo.updateIfStatus(db, executionId, ['PROCESSING'], { progress: JSON.stringify(latest) })
    })().catch(() => undefined)
  }, TICK_MS)
  return {
    signal: controller.signal,
    get cancelled() {
      return run.signal.aborted
    },
    get latest() {
      return latest
    },
    onProgress: (p) => {
      latest = p
      run.report(p)
    },
    stop: () => {
      clearInterval(tick)
      ctx.shutdown.removeEventListener('abort', onShutdown)
      run.finish()
    },
  }
}
