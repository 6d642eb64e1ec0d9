import type { LiveProgress } from '../domain/execution/execution.types.js'

/** Why a run was stopped from outside: cancelled (nothing written, CANCELLED) or paused (file imports). */
export type StopReason = 'cancel' | 'pause'

interface Run {
  cancel: AbortController
  reason: StopReason | null
  progress: LiveProgress | null
  done: Promise<void>
}

/**
 * The executions this process is processing right now: their live progress and a cancel switch. The worker
 * registers a run for the engine's duration; the service reads progress from it and cancels through it.
 */
export class ExecutionRuns {
  private readonly runs = new Map<string, Run>()
  /** Set by an in-process worker: wakes it when a job was just enqueued. */
  onEnqueued: (() => void) | null = null

  /** Registers a run; call `finish()` when the engine has ended (after its outcome is stored). */
  begin(executionId: string): {
    signal: AbortSignal
    reason: () => StopReason | null
    report: (p: LiveProgress) => void
    finish: () => void
  } {
    let finish!: () => void
    const done = new Promise<void>((resolve) => (finish = resolve))
    const run: Run = { cancel: new AbortController(), reason: null, progress: null, done }
    this.runs.set(executionId, run)
    return {
      signal: run.cancel.signal,
      reason: () => run.reason,
      report: (p) => {
        run.progress = p
      },
      finish: () => {
        this.runs.delete(executionId)
        finish()
      },
    }
  }

  progress(executionId: string): LiveProgress | null {
    return this.runs.get(executionId)?.progress ?? null
  }

  /** Aborts a local run and waits (up to `waitMs`) until its outcome is stored; false when it is not local. */
  async cancel(executionId: string, waitMs = 30_000, reason: StopReason = 'cancel'): Promise<boolean> {
    const run = this.runs.get(executionId)
    if (!run) return false
    run.reason ??= reason
    run.cancel.abort()
    await Promise.race([run.done, new Promise((r) => setTimeout(r, waitMs).unref())])
    return true
  }

  has(executionId: string): boolean {
    return this.runs.has(executionId)
  }

  get size(): number {
    return this.runs.size
  }

  notifyEnqueued(): void {
    this.onEnqueued?.()
  }
}
