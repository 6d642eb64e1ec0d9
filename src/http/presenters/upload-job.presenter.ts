import type { AppError } from '../../domain/errors.js'
import type { UploadJob } from '../../services/upload-job.service.js'
import { presentFileProgress } from './execution.presenter.js'

/** `10 seconds`, `1 second`: the time a job ran (so far). */
export function durationText(start: string | null, end: string | null, now: Date): string {
  if (start === null) return '0 seconds'
  const seconds = Math.max(
    0,
    Math.round(((end ? Date.parse(end) : now.getTime()) - Date.parse(start)) / 1000),
  )
  return `${seconds} second${seconds === 1 ? '' : 's'}`
}

/** The job in seed 004's envelope; `output.failed` is the requested page of failed rows. */
export function presentUploadJob(job: UploadJob, message: string, now: Date = new Date()) {
  const e = job.execution
  const identity = job.columns.find((c) => c.identity)
  const times = [e.created, e.started, e.finished, job.lastHeartbeat].filter((t): t is string => t !== null)
  // A job that FAILED after reading its rows (none became an object) still answers its counts and failed rows.
  const counts = job.outcome ? { ...job.outcome, failed: job.failed.values } : {}
  const output = job.status === 'FAILED' ? { ...counts, reason: e.failureReason ?? 'The job failed' } : counts
  const pageSize = job.failed.maxResults
  return {
    status: 200,
    error: false,
    message,
    errors: [],
    data: {
      id: job.id,
      entity: String(job.entity),
      duration: durationText(e.started, e.finished, now),
      status: job.status,
      type: 'IMPORT' as const,
      progress: job.status === 'QUEUED' ? 0 : presentFileProgress(e).progressInPercent,
      payload: {
        ...job.request,
        identity: { column: identity?.index ?? 0, property: identity?.attribute ?? '' },
        importSourceId: e.importSourceId,
      },
      output,
      jobStart: e.started,
      jobEnd: e.finished,
      createdAt: e.created,
      updatedAt: times.sort().at(-1) ?? e.created,
      lastHeartbeat: job.lastHeartbeat,
    },
    pagination: {
      page: Math.floor(job.failed.startAt / pageSize) + 1,
      pageSize,
      total: job.failed.total,
      totalPages: Math.ceil(job.failed.total / pageSize),
    },
  }
}

/** An error in the same envelope: `error: true`, one entry per problem in `errors`. */
export function presentUploadError(error: AppError) {
  const internal = error.status >= 500
  const problems = (error.details as { problems?: { field: string; message: string }[] }).problems
  const field = (error.details as { field?: unknown }).field
  const errors =
    !internal && Array.isArray(problems)
      ? problems.map((p) => ({ code: error.code, message: p.message, field: p.field }))
      : [
          {
            code: error.code,
            message: error.message,
            ...(typeof field === 'string' ? { field } : {}),
            ...(internal ? {} : { details: error.details }),
          },
        ]
  return {
    status: error.status,
    error: true as const,
    message: error.message,
    errors,
    data: null,
    pagination: null,
  }
}
