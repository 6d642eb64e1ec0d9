import { Type } from '@sinclair/typebox'
import { BoundedInteger, ErrorResponse } from './common.schema.js'

const OPERATIONS = ['create', 'update', 'delete', 'missing-update', 'references'] as const

export const PlanQuery = Type.Object({
  startAt: BoundedInteger({ default: 0, description: 'Index of the first change (0-based)' }),
  maxResults: BoundedInteger({
    minimum: 1,
    maximum: 1000,
    default: 100,
    description: 'Changes per page, at most 1000',
  }),
  objectTypeId: Type.Optional(
    BoundedInteger({ minimum: 1, description: 'Only the changes of this object type' }),
  ),
  operation: Type.Optional(
    Type.Union(
      OPERATIONS.map((o) => Type.Literal(o)),
      { description: 'Only the changes of this operation' },
    ),
  ),
})

export const PlanChangeResource = Type.Object({
  seq: Type.Integer({ description: 'Position in the plan (1-based)' }),
  objectTypeId: Type.Integer(),
  operation: Type.Union(OPERATIONS.map((o) => Type.Literal(o))),
  objectId: Type.Union([Type.Integer(), Type.Null()], {
    description: 'The existing object; null for a create',
  }),
  objectKey: Type.Union([Type.String(), Type.Null()], {
    description: 'null for a create (its key is given when applied)',
  }),
  identity: Type.Union([Type.String(), Type.Null()]),
  differences: Type.Record(Type.String(), Type.Object({ before: Type.Unknown(), after: Type.Unknown() }), {
    description: 'Attribute name → { before, after }',
  }),
})

export const PlanResource = Type.Object({
  executionId: Type.String(),
  status: Type.Union([Type.Literal('ready'), Type.Literal('applied'), Type.Literal('expired')]),
  created: Type.String(),
  expiresAt: Type.String(),
  appliedExecutionId: Type.Union([Type.String(), Type.Null()]),
  startAt: Type.Integer(),
  maxResults: Type.Integer(),
  total: Type.Integer({ description: 'Changes matching the filter' }),
  isLast: Type.Boolean(),
  counts: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer()), {
    description: 'objectTypeId → operation → number of planned changes (the whole plan)',
  }),
  changes: Type.Array(PlanChangeResource),
})

export const ApplyBody = Type.Union([
  Type.Null(),
  Type.Object(
    {
      onDrift: Type.Optional(
        Type.Union([Type.Literal('fail'), Type.Literal('replan')], {
          description:
            'fail (default): 409 PLAN_DRIFT when an object the plan touches changed since; replan: apply what the same stored input gives now and report the difference',
        }),
      ),
    },
    { additionalProperties: false },
  ),
])

export const ApplyResponse = Type.Object({
  executionId: Type.String({ description: 'The apply execution (kind apply)' }),
  planExecutionId: Type.String(),
  status: Type.String(),
})

export const PlanErrorResponse = Type.Ref(ErrorResponse)
