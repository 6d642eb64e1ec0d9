import { Type } from '@sinclair/typebox'
import { RUN_FREQUENCIES } from '../../domain/schedule/cadence.js'
import { SCHEDULE_RUN_OUTCOMES } from '../../domain/schedule/schedule.types.js'
import { ImportSourceParams } from './import-source.schema.js'

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
const Frequency = Type.Union(
  RUN_FREQUENCIES.map((f) => Type.Literal(f)),
  { description: 'ONCE, DAILY, WEEKLY or MONTHLY' },
)

export const ScheduleParams = Type.Intersect([
  ImportSourceParams,
  Type.Object({ importScheduleId: Type.String({ pattern: UUID, description: 'Import schedule id (UUID)' }) }),
])

const fields = {
  runFrequency: Type.Optional(Frequency),
  runInterval: Type.Optional(
    Type.Union(
      RUN_FREQUENCIES.map((f) => Type.Literal(f)),
      { description: 'The published API’s name of runFrequency; either one is accepted' },
    ),
  ),
  startTime: Type.String({
    maxLength: 64,
    description: 'ISO 8601 date-time with Z or an offset; the first run; must be in the future',
  }),
  timezone: Type.Optional(
    Type.String({
      maxLength: 64,
      description: 'IANA time zone whose wall clock later runs keep (default UTC)',
    }),
  ),
  // Null first: Ajv's type coercion would otherwise turn null into "" through the string branch.
  callbackUrl: Type.Optional(
    Type.Union([Type.Null(), Type.String({ maxLength: 2048 })], {
      description:
        'External sources only (required there): the URL Intake POSTs to when the schedule triggers',
    }),
  ),
  isActive: Type.Optional(Type.Boolean({ description: 'false pauses the schedule (default true)' })),
}

export const CreateScheduleBody = Type.Object(fields, { additionalProperties: false })

export const UpdateScheduleBody = Type.Object(
  { ...fields, startTime: Type.Optional(fields.startTime) },
  { additionalProperties: false, minProperties: 1 },
)

export const ScheduleResource = Type.Object({
  id: Type.String(),
  importSourceId: Type.String(),
  runFrequency: Frequency,
  runInterval: Frequency,
  startTime: Type.String(),
  timezone: Type.String(),
  callbackUrl: Type.Optional(Type.String()),
  isActive: Type.Boolean(),
  nextScheduledTime: Type.Union([Type.String(), Type.Null()]),
  lastRunTime: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  created: Type.String({ description: 'createdAt, under the published API’s name' }),
  updated: Type.String({ description: 'updatedAt, under the published API’s name' }),
})

export const CreatedScheduleResource = Type.Object({
  ...ScheduleResource.properties,
  callbackSecret: Type.String({
    description:
      'HMAC-SHA256 key of the X-Intake-Signature header of callbacks; shown only in this answer — keep it now',
  }),
})

export const ScheduleLinksResponse = Type.Object({
  links: Type.Object({
    createSchedule: Type.String(),
    schedule: Type.Optional(Type.String({ description: 'Present when the source has a schedule' })),
  }),
  result: Type.Literal('success'),
})

export const ScheduleRunResource = Type.Object({
  id: Type.String(),
  dueAt: Type.String(),
  catchUp: Type.Boolean({ description: 'The one run that makes up for runs missed while Intake was down' }),
  outcome: Type.Union(SCHEDULE_RUN_OUTCOMES.map((o) => Type.Literal(o))),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Why it was skipped or failed' }),
  executionId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  attempts: Type.Array(
    Type.Object({
      attempt: Type.Integer(),
      attemptedAt: Type.String(),
      statusCode: Type.Union([Type.Integer(), Type.Null()]),
      error: Type.Union([Type.String(), Type.Null()]),
      durationMs: Type.Integer(),
    }),
    { description: 'Each delivery attempt of the callback (external sources)' },
  ),
})

export const ScheduleRunsResponse = Type.Object({ values: Type.Array(ScheduleRunResource) })
