/** Import schedules (Assets `importschedule`): pure types and constants; the arithmetic lives in cadence.ts. */
import type { RunFrequency } from './cadence.js'

export interface ImportSchedule {
  id: string
  workspaceId: string
  importSourceId: string
  runFrequency: RunFrequency
  startTime: string
  timezone: string
  callbackUrl: string | null
  isActive: boolean
  /** The next due time; null when nothing is due any more (a ONCE schedule after its run). */
  nextRunAt: string | null
  lastRunAt: string | null
  createdAt: string
  updatedAt: string
}

/**
 * What became of one due time: `started` (a pull source's execution), `delivered` (an external source's callback
 * answered 2xx), `skipped` (with the reason: an import was running, the source was disabled …), `failed`.
 */
export const SCHEDULE_RUN_OUTCOMES = ['pending', 'started', 'delivered', 'skipped', 'failed'] as const
export type ScheduleRunOutcome = (typeof SCHEDULE_RUN_OUTCOMES)[number]

export interface CallbackAttempt {
  attempt: number
  attemptedAt: string
  statusCode: number | null
  error: string | null
  durationMs: number
}

export interface ScheduleRun {
  id: string
  scheduleId: string
  dueAt: string
  /** The run makes up for runs missed while no scheduler was running (one, however many were missed). */
  catchUp: boolean
  outcome: ScheduleRunOutcome
  reason: string | null
  executionId: string | null
  createdAt: string
  finishedAt: string | null
  attempts: CallbackAttempt[]
}

/** A due time claimed later than this after it counts as a catch-up run. */
export const CATCH_UP_AFTER_MS = 60_000
/** Delivery attempts of a callback before its run fails. */
export const CALLBACK_MAX_ATTEMPTS = 5
/** A callback that has not answered after this long counts as a failed attempt. */
export const CALLBACK_TIMEOUT_MS = 10_000

/** ISO 8601 UTC with `Z` and whole seconds when there are no milliseconds, as the seeds write times. */
export function wireTime(iso: string): string
export function wireTime(iso: string | null): string | null
export function wireTime(iso: string | null): string | null {
  return iso === null ? null : iso.replace(/\.000Z$/, 'Z')
}
