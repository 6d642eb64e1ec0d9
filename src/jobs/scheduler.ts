import type { WorkerLog } from './worker.js'

/** What the scheduler drives: claiming the due runs of schedules (services/schedule-runs.ts implements it). */
export interface DueRunClaimer {
  /** Claims every due run and queues it; answers how many. Safe to call from several processes at once. */
  claimDue(): Promise<number>
}

export interface SchedulerOptions {
  claimer: DueRunClaimer
  /** How often due runs are looked for; a run starts at most this late. */
  everyMs?: number
  log?: WorkerLog
}

export const SCHEDULER_TICK_MS = 1000

/**
 * Ticks in every worker process: the first tick runs at start (so runs missed while Intake was down are caught up
 * at once), then every `everyMs`. Ticks never overlap. Exactly-once is the claimer's business (one guarded
 * statement per due run), not the timer's.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null
  private ticking: Promise<number> | null = null
  private stopped = false

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    if (this.timer || this.stopped) return
    void this.tick()
    this.timer = setInterval(() => void this.tick(), this.options.everyMs ?? SCHEDULER_TICK_MS)
    this.timer.unref()
  }

  /** One look for due runs (skipped while the previous one still runs); answers how many were claimed. */
  tick(): Promise<number> {
    if (this.stopped) return Promise.resolve(0)
    this.ticking ??= this.options.claimer
      .claimDue()
      .catch((err: unknown) => {
        this.options.log?.warn({ err }, 'claiming due schedule runs failed')
        return 0
      })
      .finally(() => {
        this.ticking = null
      })
    return this.ticking
  }

  /** Stops ticking and waits for a tick in progress. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.ticking
  }
}
