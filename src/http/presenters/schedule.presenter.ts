import type { Static } from '@sinclair/typebox'
import { wireTime, type ImportSchedule, type ScheduleRun } from '../../domain/schedule/schedule.types.js'
import type { ScheduleResource, ScheduleRunResource } from '../schemas/schedule.schema.js'

/** A schedule as the seed answers it, with the published API's names (runInterval, created, updated) as well. */
export function presentSchedule(s: ImportSchedule): Static<typeof ScheduleResource> {
  return {
    id: s.id,
    importSourceId: s.importSourceId,
    runFrequency: s.runFrequency,
    runInterval: s.runFrequency,
    startTime: wireTime(s.startTime),
    timezone: s.timezone,
    ...(s.callbackUrl !== null && { callbackUrl: s.callbackUrl }),
    isActive: s.isActive,
    nextScheduledTime: wireTime(s.nextRunAt),
    lastRunTime: wireTime(s.lastRunAt),
    createdAt: wireTime(s.createdAt),
    updatedAt: wireTime(s.updatedAt),
    created: wireTime(s.createdAt),
    updated: wireTime(s.updatedAt),
  }
}

export function presentScheduleRun(r: ScheduleRun): Static<typeof ScheduleRunResource> {
  return {
    id: r.id,
    dueAt: wireTime(r.dueAt),
    catchUp: r.catchUp,
    outcome: r.outcome,
    reason: r.reason,
    executionId: r.executionId,
    createdAt: wireTime(r.createdAt),
    finishedAt: wireTime(r.finishedAt),
    attempts: r.attempts.map((a) => ({ ...a, attemptedAt: wireTime(a.attemptedAt) })),
  }
}
