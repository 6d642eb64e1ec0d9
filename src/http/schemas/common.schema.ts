import { Type, type TSchema } from '@sinclair/typebox'

/** Shared TypeBox schemas: they validate requests, shape responses and feed the OpenAPI document. */

export const NumericId = Type.String({ pattern: '^[0-9]{1,15}$', description: 'Numeric id' })

/**
 * Upper bounds of integer parameters. Without one, `startAt=1e21` passes an `integer` check and reaches the
 * database as a number no SQL integer holds (a 500). Offsets and page numbers stop at 2^31 - 1; ids at 15 digits,
 * as NumericId does in paths.
 */
export const MAX_INDEX = 2 ** 31 - 1
export const MAX_ID = 999_999_999_999_999

/** An integer query or body member, bounded on both sides (`minimum` and `maximum` override the defaults). */
export function BoundedInteger(
  options: { minimum?: number; maximum?: number; default?: number; description?: string } = {},
) {
  return Type.Integer({ minimum: 0, maximum: MAX_INDEX, ...options })
}

/** A numeric id in a JSON body: a digit string or an integer of at most 15 digits. */
export const BodyId = Type.Union([
  Type.String({ pattern: '^[0-9]{1,15}$' }),
  Type.Integer({ minimum: 1, maximum: MAX_ID }),
])

export const WorkspaceParams = Type.Object({ workspaceId: Type.String({ minLength: 1, maxLength: 64 }) })

export const PagingQuery = Type.Object({
  startAt: BoundedInteger({ default: 0, description: 'Index of the first item (0-based)' }),
  maxResults: BoundedInteger({
    minimum: 1,
    maximum: 1000,
    default: 25,
    description: 'Items per page, at most 1000',
  }),
})

export const ErrorResponse = Type.Object(
  {
    code: Type.Integer({ description: 'HTTP status' }),
    message: Type.String(),
    error: Type.Object({
      code: Type.String({ description: 'Stable error code (see docs/errors.md)' }),
      message: Type.String(),
      details: Type.Record(Type.String(), Type.Unknown()),
    }),
    requestId: Type.String(),
  },
  { $id: 'ErrorResponse', description: 'Every error answer' },
)

export function paged<T extends TSchema>(item: T): TSchema {
  return Type.Object({
    startAt: Type.Integer(),
    maxResults: Type.Integer(),
    total: Type.Integer(),
    isLast: Type.Boolean(),
    values: Type.Array(item),
  })
}

/** Error answers every authenticated route may give. */
export const authErrors = {
  400: Type.Ref(ErrorResponse),
  401: Type.Ref(ErrorResponse),
  403: Type.Ref(ErrorResponse),
  404: Type.Ref(ErrorResponse),
  429: Type.Ref(ErrorResponse),
}
