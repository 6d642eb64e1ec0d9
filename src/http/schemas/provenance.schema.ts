import { Type } from '@sinclair/typebox'

/** Who last wrote one attribute of an object (`?include=provenance`, docs/provenance.md). */
export const AttributeProvenanceResource = Type.Object(
  {
    objectTypeAttributeId: Type.String(),
    source: Type.Union(
      [
        Type.Literal('manual'),
        Type.Object(
          { id: Type.String(), name: Type.Union([Type.String(), Type.Null()]) },
          { additionalProperties: false },
        ),
      ],
      { description: 'The import source that last wrote the value, or "manual" (the object API)' },
    ),
    executionId: Type.Union([Type.String(), Type.Null()], {
      description: 'The execution that wrote it; null for manual writes and values written before provenance',
    }),
    actor: Type.Optional(Type.String({ description: 'Manual writes: the token that wrote (token:<id>)' })),
    writtenAt: Type.String({ description: 'When the writer wrote (ISO 8601)' }),
  },
  { additionalProperties: false },
)

export const IncludeQuery = Type.Object(
  {
    include: Type.Optional(
      Type.Literal('provenance', {
        description: 'provenance: add `provenance`, who last wrote each attribute (source, execution, time)',
      }),
    ),
  },
  { additionalProperties: false },
)
