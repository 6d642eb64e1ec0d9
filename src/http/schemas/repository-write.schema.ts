import { Type } from '@sinclair/typebox'
import { ATTRIBUTE_KINDS, STATUS_CATEGORIES } from '../../domain/schema/types.js'
import { BodyId, BoundedInteger } from './common.schema.js'

export const CreateObjectSchemaBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    objectSchemaKey: Type.String({ description: '2–10 upper-case letters or digits; object keys are KEY-n' }),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
)

export const CreateObjectTypeBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    objectSchemaId: BodyId,
    parentObjectTypeId: Type.Optional(BodyId),
    externalId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    iconKey: Type.Optional(Type.String({ maxLength: 255 })),
  },
  { additionalProperties: false },
)

export const CreateAttributeBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    kind: Type.Union(
      ATTRIBUTE_KINDS.map((k) => Type.Literal(k)),
      { description: 'Attribute type, as in the schema-and-mapping document' },
    ),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    label: Type.Optional(Type.Boolean()),
    minimumCardinality: Type.Optional(BoundedInteger()),
    maximumCardinality: Type.Optional(BoundedInteger({ minimum: -1 })),
    uniqueAttribute: Type.Optional(Type.Boolean()),
    indexed: Type.Optional(
      Type.Boolean({
        description:
          'Keep an index of the values so that AQL conditions on them are answered from it (default false; the ' +
          'label and unique attributes are always indexed). Switching it builds or drops the index in the background',
      }),
    ),
    referenceObjectTypeId: Type.Optional(BodyId),
    allowedValues: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 1000 }),
    ),
    externalId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  },
  { additionalProperties: false },
)

export const CreateStatusBody = Type.Object(
  {
    name: Type.String(),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    category: Type.Union(STATUS_CATEGORIES.map((c) => Type.Literal(c))),
    objectSchemaId: Type.Optional(BodyId),
  },
  { additionalProperties: false },
)

/** Assets' object write body: attributes with their values. */
const ObjectAttributesInput = Type.Array(
  Type.Object(
    {
      objectTypeAttributeId: BodyId,
      objectAttributeValues: Type.Array(
        Type.Object(
          { value: Type.Union([Type.String(), Type.Number(), Type.Boolean()]) },
          { additionalProperties: true },
        ),
        { maxItems: 10_000 },
      ),
    },
    { additionalProperties: false },
  ),
  { maxItems: 1000 },
)

export const CreateObjectBody = Type.Object(
  {
    objectTypeId: BodyId,
    attributes: ObjectAttributesInput,
  },
  { additionalProperties: false },
)

export const UpdateObjectBody = Type.Object(
  {
    objectTypeId: Type.Optional(BodyId),
    attributes: ObjectAttributesInput,
  },
  { additionalProperties: false },
)

export const UpdateObjectSchemaBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    objectSchemaKey: Type.Optional(
      Type.String({ description: 'Changes only while the schema has no objects (their keys carry it)' }),
    ),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
)

export const UpdateObjectTypeBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    iconId: Type.Optional(Type.String({ maxLength: 255, description: 'The icon key (Assets name)' })),
    iconKey: Type.Optional(Type.String({ maxLength: 255, description: 'The icon key (Intake name)' })),
    inherited: Type.Optional(Type.Literal(false, { description: 'Intake has no attribute inheritance' })),
    abstractObjectType: Type.Optional(Type.Literal(false, { description: 'Intake has no abstract types' })),
  },
  { additionalProperties: false },
)

export const UpdateAttributeBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    label: Type.Optional(Type.Boolean()),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    kind: Type.Optional(
      Type.Union(
        ATTRIBUTE_KINDS.map((k) => Type.Literal(k)),
        { description: 'Must be the attribute’s current type: a type never changes' },
      ),
    ),
    minimumCardinality: Type.Optional(Type.Integer({ minimum: 0 })),
    maximumCardinality: Type.Optional(Type.Integer({ minimum: -1 })),
    uniqueAttribute: Type.Optional(Type.Boolean()),
    indexed: Type.Optional(
      Type.Boolean({
        description:
          'Keep an index of the values so that AQL conditions on them are answered from it (default false; the ' +
          'label and unique attributes are always indexed). Switching it builds or drops the index in the background',
      }),
    ),
    options: Type.Optional(
      Type.String({ maxLength: 65_536, description: 'Select options, comma-separated (Assets form)' }),
    ),
    allowedValues: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 1000 }),
    ),
  },
  { additionalProperties: false },
)

/** Assets' StatusIn: category 0 inactive, 1 active, 2 pending (the names are accepted too). */
export const StatusTypeBody = Type.Object(
  {
    name: Type.String(),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    category: Type.Union([
      Type.Integer({ minimum: 0, maximum: 2, description: '0 inactive, 1 active, 2 pending' }),
      ...STATUS_CATEGORIES.map((c) => Type.Literal(c)),
    ]),
    objectSchemaId: Type.Optional(
      Type.Union([Type.String({ pattern: '^[0-9]+$' }), Type.Integer({ minimum: 1 }), Type.Null()]),
    ),
  },
  { additionalProperties: false },
)

export const AqlTotalCountBody = Type.Object(
  { qlQuery: Type.String({ maxLength: 65_536, description: 'AQL (docs/aql.md)' }) },
  { additionalProperties: false },
)
