import { Type } from '@sinclair/typebox'
import { BoundedInteger } from './common.schema.js'
import { UPLOAD_FILE_TYPES, UPLOAD_JOB_STATUSES } from '../../domain/upload-job/upload-job.types.js'

/** Spreadsheet upload jobs (seed 004): the multipart fields, the job, and the seed's envelope around both. */

export const EntityParams = Type.Object({
  entity: Type.String({ minLength: 1, maxLength: 255, description: 'Object type id, or its name' }),
})

export const JobParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, description: 'Job id' }),
})

export const UploadHeaders = Type.Object({
  domain: Type.Optional(
    Type.String({
      maxLength: 255,
      description:
        'The target workspace, by id or name; it must be the token’s workspace (default: the token’s workspace)',
    }),
  ),
  version: Type.Optional(
    Type.String({ maxLength: 64, description: 'The client’s application version (recorded)' }),
  ),
})

/** The multipart text fields (the `file` part is streamed to disk, never validated as a field). */
export const UploadFields = Type.Object(
  {
    type: Type.Union(
      UPLOAD_FILE_TYPES.map((t) => Type.Literal(t)),
      { description: 'csv or xlsx' },
    ),
    mapping: Type.String({
      minLength: 2,
      maxLength: 65536,
      description:
        'JSON object: column index (from 1) → property (attribute) name, e.g. {"1":"Name","2":"Serial"}',
    }),
    locale: Type.Optional(Type.String({ minLength: 2, maxLength: 35, description: 'e.g. de-DE or en-US' })),
    timezoneOffset: Type.Optional(
      Type.String({
        pattern: '^[+-]?\\d{1,4}$',
        description: 'Minutes east of UTC of date-times written without an offset (UTC+01:00 = 60)',
      }),
    ),
  },
  { additionalProperties: false },
)

export const JobQuery = Type.Object({
  page: BoundedInteger({
    minimum: 1,
    maximum: 2 ** 31 / 1000,
    default: 1,
    description: 'Page of output.failed (from 1)',
  }),
  pageSize: BoundedInteger({ minimum: 1, maximum: 1000, default: 100, description: 'Failed rows per page' }),
})

const FailedRow = Type.Object({
  row: Type.Union([Type.Integer(), Type.Null()], { description: 'Row of the file; the header is row 1' }),
  column: Type.Union([Type.Integer(), Type.Null()], { description: 'Column index (from 1)' }),
  property: Type.Union([Type.String(), Type.Null()]),
  value: Type.Union([Type.String(), Type.Null()]),
  code: Type.String(),
  reason: Type.String(),
})

export const JobResource = Type.Object({
  id: Type.String(),
  entity: Type.String({ description: 'Object type id' }),
  duration: Type.String({ description: 'e.g. "10 seconds"' }),
  status: Type.Union(UPLOAD_JOB_STATUSES.map((s) => Type.Literal(s))),
  type: Type.Literal('IMPORT'),
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  payload: Type.Object({
    type: Type.String(),
    fileName: Type.String(),
    size: Type.Integer(),
    mapping: Type.Record(Type.String(), Type.String()),
    locale: Type.Union([Type.String(), Type.Null()]),
    timezoneOffset: Type.Union([Type.Integer(), Type.Null()]),
    domain: Type.Union([Type.String(), Type.Null()]),
    version: Type.Union([Type.String(), Type.Null()]),
    identity: Type.Object({ column: Type.Integer(), property: Type.String() }),
    importSourceId: Type.String({ description: 'The import source whose execution this job is' }),
  }),
  output: Type.Object({
    importedCount: Type.Optional(Type.Integer()),
    failedCount: Type.Optional(Type.Integer()),
    created: Type.Optional(Type.Integer()),
    updated: Type.Optional(Type.Integer()),
    unchanged: Type.Optional(Type.Integer()),
    duplicateRows: Type.Optional(Type.Integer()),
    failed: Type.Optional(Type.Array(FailedRow, { description: 'One page (see pagination)' })),
    warnings: Type.Optional(
      Type.Array(
        Type.Object({
          code: Type.String(),
          property: Type.Union([Type.String(), Type.Null()]),
          message: Type.String(),
        }),
        {
          description:
            'What concerns no single row: a mapped column that was empty in every row (LOCATOR_READ_NOTHING)',
        },
      ),
    ),
    reason: Type.Optional(Type.String({ description: 'Why a FAILED job failed' })),
  }),
  jobStart: Type.Union([Type.String(), Type.Null()]),
  jobEnd: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  lastHeartbeat: Type.Union([Type.String(), Type.Null()]),
})

const Pagination = Type.Object({
  page: Type.Integer(),
  pageSize: Type.Integer(),
  total: Type.Integer({ description: 'Failed rows in all' }),
  totalPages: Type.Integer(),
})

export const JobEnvelope = Type.Object({
  status: Type.Integer(),
  error: Type.Boolean(),
  message: Type.String(),
  errors: Type.Array(Type.Object({})),
  data: JobResource,
  pagination: Pagination,
})

export const ErrorEnvelope = Type.Object(
  {
    status: Type.Integer(),
    error: Type.Literal(true),
    message: Type.String(),
    errors: Type.Array(
      Type.Object({
        code: Type.String({ description: 'Stable error code (docs/errors.md)' }),
        message: Type.String(),
        field: Type.Optional(Type.String()),
        details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      }),
    ),
    data: Type.Null(),
    pagination: Type.Null(),
  },
  { $id: 'UploadErrorEnvelope', description: 'Every error of the upload job routes (seed 004’s envelope)' },
)
