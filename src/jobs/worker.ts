import { randomUUID } from 'node:crypto'
import os from 'node:os'
import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import { AppError, DatabaseBusyError } from '../domain/errors.js'
import type { Store } from '../store/create-store.js'
import { translateDbError } from '../store/translate-error.js'
import { backoffMs, jobQueue, type JobEnd, type JobRow } from './job-queue.js'

export interface JobContext {
  workerId: string
  /** Aborted when the worker shuts down: stop, roll back, and let the job be resumed later. */
  shutdown: AbortSignal
}

/** A handler ends its job itself (inside its own transaction, through `endJob`) or throws. */
export type JobHandler = (job: JobRow, ctx: JobContext) => Promise<void>

export interface WorkerLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface WorkerOptions {
  store: Store
  queue: string
  handlers: Record<string, JobHandler>
  concurrency?: number
  workerId?: string
  pollMs?: number
  heartbeatMs?: number
  /** A running job whose worker has not heartbeaten for this long is recovered by the reaper. */
  staleAfterMs?: number
  reapEveryMs?: number
  /** Called for a job that failed for good (attempts used up, or a permanent error), after it was marked failed. */
  onFailed?: (job: JobRow, reason: string) => Promise<void>
  /** While true the worker writes no heartbeat and reaps nothing (SQLite: its engine holds the only write lock). */
  pauseWrites?: () => boolean
  /** Periodic housekeeping (retention), run by the worker loop. */
  periodic?: { everyMs: number; run: () => Promise<unknown> }[]
  clock?: Clock
  log?: WorkerLog
}

const quiet: WorkerLog = { info: () => undefined, warn: () => undefined, error: () => undefined }

/**
 * Claims jobs of one queue and runs them, up to `concurrency` at a time; heartbeats the ones it holds, reaps the
 * jobs of dead workers, retries transient failures with backoff. `stop()` aborts running handlers and waits.
 */
export class Worker {
  readonly id: string
  private readonly shutdown = new AbortController()
  private readonly running = new Map<string, Promise<void>>()
  private readonly timers: NodeJS.Timeout[] = []
  private loop: Promise<void> | null = null
  private wakeUp: (() => void) | null = null
  private readonly clock: Clock
  private readonly log: WorkerLog

  constructor(private readonly options: WorkerOptions) {
    this.id = options.workerId ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
    this.clock = options.clock ?? systemClock
    this.log = options.log ?? quiet
  }

  start(): void {
    if (this.loop) return
    const every = (ms: number, fn: () => Promise<unknown>) => {
      const t = setInterval(
        () => void fn().catch((err: unknown) => this.log.warn({ err }, 'worker task failed')),
        ms,
      )
      t.unref()
      this.timers.push(t)
    }
    // A heartbeat well inside the staleness window, so that no reaper takes a job this worker still runs.
    const staleAfterMs = this.options.staleAfterMs ?? 30_000
    every(this.options.heartbeatMs ?? Math.min(5000, Math.floor(staleAfterMs / 3)), () => this.heartbeat())
    every(this.options.reapEveryMs ?? 10_000, () => this.reap())
    for (const task of this.options.periodic ?? []) every(task.everyMs, task.run)
    // A worker starting after a crash recovers what the dead one held as soon as it is stale.
    void this.reap().catch((err: unknown) => this.log.warn({ err }, 'reaping failed'))
    this.loop = this.run()
  }

  /** Wakes the loop now (a job was just enqueued in this process). */
  wake(): void {
    this.wakeUp?.()
  }

  /** Graceful stop: no new claims, running handlers are aborted and awaited. */
  async stop(): Promise<void> {
    this.shutdown.abort()
    for (const t of this.timers) clearInterval(t)
    this.wake()
    await this.loop
    await Promise.allSettled([...this.running.values()])
  }

  get busy(): number {
    return this.running.size
  }

  /** Recovers jobs of dead workers once (also run periodically). */
  async reap(): Promise<number> {
    if (this.options.pauseWrites?.()) return 0
    const now = this.clock()
    const cutoff = new Date(now.getTime() - (this.options.staleAfterMs ?? 30_000)).toISOString()
    const db = this.options.store.db
    const { exhausted, requeued } = await jobQueue.reap(
      db,
      this.options.queue,
      this.id,
      cutoff,
      now.toISOString(),
    )
    for (const job of exhausted)
      await this.options.onFailed?.(job, 'the worker processing it stopped too often')
    if (requeued.length > 0) {
      this.log.warn({ jobs: requeued.map((j) => j.id) }, 'requeued jobs of a dead worker')
      this.wake()
    }
    return exhausted.length + requeued.length
  }

  private async heartbeat(): Promise<void> {
    if (this.running.size === 0 || this.options.pauseWrites?.()) return
    await jobQueue.heartbeat(this.options.store.db, [...this.running.keys()], this.id, isoNow(this.clock))
  }

  private async run(): Promise<void> {
    const { store, queue } = this.options
    const concurrency = this.options.concurrency ?? 1
    while (!this.shutdown.signal.aborted) {
      let claimed: JobRow | null = null
      if (this.running.size < concurrency) {
        try {
          claimed = await jobQueue.claim(store.db, store.caps, queue, this.id, isoNow(this.clock))
        } catch (err) {
          this.log.warn({ err }, 'claiming a job failed')
        }
      }
      if (claimed) {
        const job = claimed
        const done = this.execute(job).finally(() => {
          this.running.delete(job.id)
          this.wake()
        })
        this.running.set(job.id, done)
        continue
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.options.pollMs ?? 250)
        this.wakeUp = () => {
          clearTimeout(t)
          resolve()
        }
      })
      this.wakeUp = null
    }
  }

  private async execute(job: JobRow): Promise<void> {
    const handler = this.options.handlers[job.kind]
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`)
      await handler(job, { workerId: this.id, shutdown: this.shutdown.signal })
    } catch (error) {
      await this.failed(job, error).catch((err: unknown) =>
        this.log.error({ err, job: job.id }, 'ending a job failed'),
      )
    }
  }

  /** A handler threw: retry transient failures with backoff while attempts remain, else fail for good. */
  private async failed(job: JobRow, error: unknown): Promise<void> {
    const translated = translateDbError(error)
    const reason = translated instanceof Error ? translated.message : String(translated)
    const db = this.options.store.db
    const now = this.clock()
    if (DatabaseBusyError.is(translated) && job.attempts < job.max_attempts) {
      const runAt = new Date(now.getTime() + backoffMs(job.attempts)).toISOString()
      this.log.warn({ job: job.id, attempt: job.attempts }, 'transient failure; retrying later')
      await jobQueue.release(db, job.id, this.id, runAt, reason, true)
      return
    }
    if (!(translated instanceof AppError)) this.log.error({ err: error, job: job.id }, 'job failed')
    if (await this.end(job, 'failed', reason)) await this.options.onFailed?.(job, reason)
  }

  private end(job: JobRow, state: JobEnd, error?: string): Promise<boolean> {
    return jobQueue.complete(this.options.store.db, job.id, this.id, state, isoNow(this.clock), error)
  }
}
