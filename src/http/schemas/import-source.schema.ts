import { Type } from '@sinclair/typebox'
import { IMPORT_SOURCE_TYPES } from '../../domain/import-source/import-source.types.js'
import { MAX_CONCATENATOR_LENGTH } from '../../domain/import-source/settings.js'
import { EMPTY_VALUES_POLICIES, UNKNOWN_VALUES_POLICIES } from '../../domain/mapping/document.types.js'
import { WorkspaceParams } from './common.schema.js'

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)))

export const ImportSourceParams = Type.Intersect([
  WorkspaceParams,
  Type.Object({ importSourceId: Type.String({ pattern: UUID, description: 'Import source id (UUID)' }) }),
])

export const MappingProgressParams = Type.Intersect([
  ImportSourceParams,
  Type.Object({ resourceId: Type.String({ pattern: UUID, description: 'Progress resource id (UUID)' }) }),
])

/** The mass-delete guard (docs/mass-delete-guard.md); null = the workspace default applies. */
export const DeleteGuard = Type.Union(
  [
    Type.Null(),
    Type.Object(
      {
        maxPercent: Type.Optional(
          Type.Number({
            minimum: 0,
            maximum: 100,
            description:
              'Most of the owned objects of a type, in percent, one execution may remove or mark missing',
          }),
        ),
        maxObjects: Type.Optional(
          Type.Integer({
            minimum: 0,
            description: 'Most objects of a type one execution may remove or mark missing',
          }),
        ),
        minObjects: Type.Optional(
          Type.Integer({
            minimum: 0,
            description: 'Types of which the source owned fewer objects are not guarded (default 10)',
          }),
        ),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'Mass-delete guard; null = the workspace default applies' },
)

const Settings = Type.Object(
  {
    defaultConcatenator: Type.String({
      maxLength: MAX_CONCATENATOR_LENGTH,
      description: 'Joins several locators mapped to one attribute; \\s stands for a space',
    }),
    defaultHandleEmptyValues: literals(EMPTY_VALUES_POLICIES),
    defaultHandleUnknownValues: literals(UNKNOWN_VALUES_POLICIES),
    defaultMatchIdentifierIgnoreCase: Type.Boolean(),
    // Null first: Ajv's type coercion would otherwise turn null into "" through the string branch.
    dateFormat: Type.Union([Type.Null(), Type.String({ maxLength: 100 })], {
      description: 'Java SimpleDateFormat pattern of dates; null = ISO 8601',
    }),
    dateTimeFormat: Type.Union([Type.Null(), Type.String({ maxLength: 100 })], {
      description: 'Java SimpleDateFormat pattern of date-times; null = ISO 8601',
    }),
    zone: Type.String({ maxLength: 64, description: 'IANA zone of date-times without an offset' }),
    deleteGuard: DeleteGuard,
  },
  { additionalProperties: false },
)

const Config = Type.Record(Type.String(), Type.Unknown(), {
  description:
    'Connector configuration, checked against the connector’s schema (csv: delimiter, quoteChar, escapeChar, ' +
    'encoding, multiValueSeparator; xlsx: sheet, headerRow); never `path`. Nothing for external sources.',
})

export const CreateImportSourceBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    type: Type.Union(
      IMPORT_SOURCE_TYPES.map((t) => Type.Literal(t)),
      {
        description:
          'external, csv, json and xlsx can be created; sql, ldap and rest arrive with their connectors',
      },
    ),
    settings: Type.Optional(Type.Partial(Settings, { additionalProperties: false })),
    config: Type.Optional(Config),
    enabled: Type.Optional(Type.Boolean()),
    objectSchemaId: Type.Optional(
      Type.Union([Type.String({ pattern: '^[0-9]{1,15}$' }), Type.Integer({ minimum: 1 })], {
        description:
          'An existing object schema of the workspace: the first mapping PUT adds its types to that schema ' +
          'instead of creating one (a type whose name or externalId the schema already has is a 400)',
      }),
    ),
  },
  { additionalProperties: false },
)

export const UpdateImportSourceBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    settings: Type.Optional(Type.Partial(Settings, { additionalProperties: false })),
    config: Type.Optional(Config),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const ImportSourceResource = Type.Object(
  {
    workspaceId: Type.String(),
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    type: Type.String(),
    importSourceModuleKey: Type.String(),
    objectSchemaId: Type.Optional(
      Type.String({ description: 'Absent until a mapping created the schema, unless given at creation' }),
    ),
    created: Type.String(),
    updated: Type.String(),
    defaultConcatenator: Type.String(),
    defaultHandleEmptyValues: Type.String(),
    defaultHandleUnknownValues: Type.String(),
    defaultMatchIdentifierIgnoreCase: Type.Boolean(),
    dateFormat: Type.Optional(Type.String()),
    dateTimeFormat: Type.Optional(Type.String()),
    zone: Type.String(),
    deleteGuard: DeleteGuard,
    importStatus: Type.Object({
      configurationStatusType: Type.String(),
      validationStatusType: Type.String(),
      reasonForInvalidity: Type.Optional(Type.Record(Type.String(), Type.String())),
      name: Type.String(),
    }),
    importSpecificConfiguration: Type.String({ description: 'config as a JSON string, as Assets sends it' }),
    config: Config,
    enabled: Type.Boolean(),
    tokenGenerated: Type.Boolean(),
    configStatus: Type.String(),
    mappingVersion: Type.Integer(),
    mappingUpdated: Type.Union([Type.String(), Type.Null()]),
    isImportSourceSchedulingEnabled: Type.Boolean({
      description: 'Whether the source has an active schedule',
    }),
    scheduledImportDetails: Type.Optional(
      Type.Object(
        {
          importScheduleId: Type.String(),
          startTime: Type.String(),
          runFrequency: Type.String(),
          nextScheduledTime: Type.Union([Type.String(), Type.Null()], {
            description: 'null when nothing is due any more (inactive, or a ONCE schedule after its run)',
          }),
          createdAt: Type.String(),
        },
        { description: 'The source’s schedule, when it has one' },
      ),
    ),
  },
  { additionalProperties: true },
)

export const TokenResponse = Type.Object({
  token: Type.String({ description: 'Shown once; stored as a hash' }),
})

export const TokenInfoResponse = Type.Object({
  exists: Type.Boolean(),
  created: Type.Union([Type.String(), Type.Null()]),
  lastUsed: Type.Union([Type.String(), Type.Null()]),
  prefix: Type.Union([Type.String(), Type.Null()], { description: 'The first characters of the token' }),
})

export const ConfigStatusResponse = Type.Object({
  status: literals(['IDLE', 'DISABLED', 'MISSING_MAPPING', 'RUNNING'] as const),
  /** While RUNNING: the running execution's status and cancel links (what Assets clients read). */
  links: Type.Optional(Type.Object({ getExecutionStatus: Type.String(), cancel: Type.String() })),
})

export const ImportsInfoResponse = Type.Object({
  links: Type.Object({ getStatus: Type.String(), start: Type.String(), mapping: Type.String() }),
})
