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
