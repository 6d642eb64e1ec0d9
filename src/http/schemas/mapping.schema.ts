import { Type } from '@sinclair/typebox'
import { ErrorResponse } from './common.schema.js'

/** Schemas of the schema + mapping routes. The document itself is read by the domain validator, not by Ajv. */

export const MappingQuery = Type.Object({
  async: Type.Boolean({
    default: false,
    description: 'Run in the background: 303 with Location to the progress resource',
  }),
})

export const MappingBody = Type.Unknown({
  description:
    'The schema + mapping document (Assets format, 2021_09_15 or 2023_10_19, plus Intake extensions); see docs/mapping.md',
})

const DataValidationError = Type.Object({
  code: Type.String({ description: 'Stable problem code (docs/mapping.md)' }),
  pointer: Type.String({ description: 'RFC 6901 JSON pointer into the submitted document' }),
  message: Type.String(),
})

export const MappingErrorResponse = Type.Object(
  {
    ...ErrorResponse.properties,
    dataValidationErrors: Type.Optional(Type.Array(DataValidationError)),
  },
  { description: 'Error answer; MAPPING_DOCUMENT_INVALID adds dataValidationErrors at the top level' },
)

export const MappingProgressResponse = Type.Object({
  progressStatus: Type.String({ description: 'IN_PROGRESS or FINISHED' }),
  result: Type.Union([Type.String(), Type.Null()], { description: 'OK or FAILED once finished' }),
  resultMessage: Type.Union([Type.String(), Type.Null()]),
  resourceId: Type.String(),
  dataValidationErrors: Type.Array(DataValidationError),
})

const WireAttribute = Type.Object(
  {
    externalId: Type.Optional(Type.String()),
    name: Type.String(),
    description: Type.String(),
    type: Type.String(),
    label: Type.Boolean(),
    minimumCardinality: Type.Integer(),
    maximumCardinality: Type.Integer(),
    unique: Type.Boolean(),
    typeValues: Type.Optional(Type.Array(Type.String())),
    referenceObjectTypeExternalId: Type.Optional(Type.String()),
    referenceObjectTypeName: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
)

const WireObjectType = Type.Object(
  {
    externalId: Type.Optional(
      Type.String({
        description: 'Absent only for a type created without one (a schema given at source creation)',
      }),
    ),
    name: Type.String(),
    description: Type.String(),
    iconKey: Type.Optional(Type.String()),
    attributes: Type.Array(WireAttribute),
    children: Type.Optional(Type.Array(Type.Unknown({ description: 'Object types, recursively' }))),
  },
  { additionalProperties: true },
)

const WireObjectTypeMapping = Type.Object(
  {
    objectTypeExternalId: Type.String(),
    objectTypeName: Type.String(),
    selector: Type.String(),
    description: Type.String(),
    attributesMapping: Type.Array(
      Type.Object({
        attributeExternalId: Type.String(),
        attributeName: Type.String(),
        attributeLocators: Type.Array(Type.String()),
        externalIdPart: Type.Boolean(),
        objectMappingIQL: Type.Optional(Type.String()),
        defaultValue: Type.Optional(Type.Unknown({ description: 'Used when the locators read nothing' })),
        transformations: Type.Optional(
          Type.Array(Type.Object({ type: Type.String() }, { additionalProperties: true }), {
            description: 'Named steps applied in order (docs/mapping.md, "Shaping values")',
          }),
        ),
        conditionalValues: Type.Optional(
          Type.Array(Type.Object({ when: Type.String(), value: Type.Unknown() }), {
            description: 'The first `when` matching the entry gives the value',
          }),
        ),
      }),
    ),
    selectorQlQuery: Type.Optional(Type.String()),
    missingObjects: Type.Optional(
      Type.Object({
        policy: Type.String(),
        attributeName: Type.Optional(Type.String()),
        value: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
        threshold: Type.Integer(),
        thresholdType: Type.String(),
      }),
    ),
    emptyValues: Type.Optional(Type.String()),
    unknownValues: Type.Optional(Type.String()),
    matchIdentifierIgnoreCase: Type.Optional(Type.Boolean()),
    disabled: Type.Optional(Type.Boolean()),
    condition: Type.Optional(Type.String({ description: 'Entry filter evaluated before mapping' })),
  },
  { additionalProperties: true },
)

export const WireDocumentResponse = Type.Object(
  {
    schema: Type.Object(
      {
        objectSchema: Type.Object({
          name: Type.String(),
          description: Type.String(),
          objectTypes: Type.Array(WireObjectType),
        }),
        iconSchema: Type.Optional(
          Type.Object({
            icons: Type.Array(Type.Object({ key: Type.String(), name: Type.String(), png48: Type.String() })),
          }),
        ),
        statusSchema: Type.Optional(
          Type.Object({
            statuses: Type.Array(
              Type.Object({ name: Type.String(), description: Type.String(), category: Type.String() }),
            ),
          }),
        ),
      },
      { additionalProperties: true },
    ),
    mapping: Type.Object({ objectTypeMappings: Type.Array(WireObjectTypeMapping) }),
  },
  { description: 'The stored document; PATCHing it back unchanged changes nothing' },
)
