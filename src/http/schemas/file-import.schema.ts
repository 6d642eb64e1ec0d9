import { Type } from '@sinclair/typebox'
import { WorkspaceParams } from './common.schema.js'

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

export const ProgressParams = Type.Intersect([
  WorkspaceParams,
  Type.Object({ id: Type.String({ pattern: UUID, description: 'Progress resource id (the execution id)' }) }),
])

/** `PUT …/file` with a JSON body naming a file inside INTAKE_IMPORT_DIR. */
export const ServerFileBody = Type.Object(
  {
    path: Type.String({
      minLength: 1,
      maxLength: 4096,
      description: 'Relative to INTAKE_IMPORT_DIR, or absolute inside it',
    }),
  },
  { additionalProperties: false },
)

export const UploadQuery = Type.Object({
  name: Type.Optional(
    Type.String({ minLength: 1, maxLength: 255, description: 'File name of a raw upload (display only)' }),
  ),
})

export const FileResource = Type.Object({
  origin: Type.Union([Type.Literal('upload'), Type.Literal('server')]),
  name: Type.String({ description: 'The upload’s file name, or the path relative to INTAKE_IMPORT_DIR' }),
  size: Type.Integer({ description: 'Bytes' }),
  contentType: Type.Union([Type.String(), Type.Null()]),
  uploaded: Type.String({ description: 'When the file was stored or named' }),
})

export const DiscoverQuery = Type.Object({
  generate: Type.Boolean({
    default: false,
    description: 'Also answer the proposed schema + mapping document',
  }),
  sampleSize: Type.Integer({
    minimum: 1,
    maximum: 100_000,
    default: 100,
    description: 'Entries sampled: at most INTAKE_DISCOVER_MAX_SAMPLE_SIZE (1,000 unless configured)',
  }),
  objectTypeName: Type.Optional(
    Type.String({ minLength: 1, maxLength: 255, description: 'Default: the import source’s name' }),
  ),
  objectSchemaName: Type.Optional(
    Type.String({ minLength: 1, maxLength: 255, description: 'Default: the import source’s name' }),
  ),
})

const DiscoveredField = Type.Object({
  name: Type.String({ description: 'The locator: a column name, or a dotted path into a JSON entry' }),
  type: Type.String({ description: 'The attribute kind the samples suggest' }),
  samples: Type.Array(Type.String()),
  empty: Type.Integer(),
  multiple: Type.Boolean(),
  dateFormat: Type.Optional(
    Type.String({
      description:
        'A text field whose samples are all dates in this non-ISO pattern; the generated document maps it through a date transformation step',
    }),
  ),
})

export const DiscoveryResource = Type.Object({
  importSourceId: Type.String(),
  type: Type.String(),
  file: Type.Optional(FileResource),
  roots: Type.Array(
    Type.Object({
      name: Type.String({
        description: 'Selector root (`rows` for CSV and XLSX; the configured root names of other sources)',
      }),
      fields: Type.Array(DiscoveredField),
      sampledEntries: Type.Integer(),
    }),
  ),
  document: Type.Optional(
    Type.Unknown({ description: 'With generate=true: a schema + mapping document for PUT …/mapping' }),
  ),
})

/** What `POST importsource/{id}/test` answers (200 either way: a failed check is an answer, not an error). */
export const ConnectionTestResource = Type.Object({
  ok: Type.Boolean(),
  code: Type.Optional(
    Type.String({ description: 'Why not: HOST_UNREACHABLE, AUTH_FAILED, TABLE_NOT_FOUND, FILE_MISSING, …' }),
  ),
  message: Type.Optional(Type.String({ description: 'What is wrong, in words a user can act on' })),
})
