import { defineError } from '../errors.js'

/** Errors of import schedules and of `import_status.json`. */

export const ScheduleExistsError = defineError<{ importSourceId: string; scheduleId: string }>(
  'SCHEDULE_EXISTS',
  409,
  ({ importSourceId, scheduleId }) =>
    `Import source ${importSourceId} already has schedule ${scheduleId}; change it with PUT or delete it first`,
  'An import source has one schedule at most; POST of a second one is refused.',
)

export const NothingToImportError = defineError<{ reasons: string[] }>(
  'NOTHING_TO_IMPORT',
  409,
  ({ reasons }) =>
    reasons.length === 0
      ? 'The workspace has no enabled pull import source (csv, json, xlsx) to run'
      : `No pull import source could be started: ${reasons.join('; ')}`,
  'import_status.json?run=true found no enabled pull source that could start (each one’s reason is listed).',
)
