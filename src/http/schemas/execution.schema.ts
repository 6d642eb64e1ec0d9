import { Type } from '@sinclair/typebox'
import { EXECUTION_STATUSES } from '../../domain/execution/execution.types.js'
import { ErrorResponse } from './common.schema.js'
import { ImportSourceParams } from './import-source.schema.js'

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

export const ExecutionParams = Type.Intersect([
  ImportSourceParams,
  Type.Object({ executionId: Type.String({ pattern: UUID, description: 'Execution id (UUID)' }) }),
])

export const StartExecutionBody = Type.Union([
  Type.Null(),
  Type.Object({
    scheduled: Type.Optional(Type.Boolean({ description: 'Started by a schedule callback' })),
    dryRun: Type.Optional(
      Type.Boolean({ description: 'Run the whole flow, write nothing, answer the plan' }),
    ),
  }),
])

export const StartExecutionResponse = Type.Object({
  links: Type.Object({
    submitProgress: Type.String(),
    submitResults: Type.String(),
    getExecutionStatus: Type.String(),
    cancel: Type.String(),
  }),
  result: Type.Literal('success'),
  executionId: Type.String(),
})

/** The standard error body plus Assets' `{"result":"error","errorCode":…}` where the contract names it. */
export const ExecutionErrorResponse = Type.Object(
  {
    ...ErrorResponse.properties,
    result: Type.Optional(Type.String()),
    errorCode: Type.Optional(Type.String()),
  },
  { description: 'Error answer; the 409s of POST executions add result and errorCode at the top level' },
)

export const PushObject = Type.Object(
  {
    externalId: Type.String({ minLength: 1, description: 'The object’s identity' }),
    label: Type.Optional(Type.String({ description: 'Fills the type’s label attribute' })),
    attributes: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description:
          'Values by attribute externalId (or name) as the mapping names it, e.g. {"key": ["value"]}',
      }),
    ),
  },
  { additionalProperties: false },
)

export const ChunkBody = Type.Object(
  {
    data: Type.Optional(Type.Unknown({ description: 'An object whose keys are the selector roots' })),
    objectTypeId: Type.Optional(
      Type.Union([Type.String({ minLength: 1 }), Type.Integer()], {
        description: 'Scheduled push format (seed 002): the object type (id or externalId) of `objects`',
      }),
    ),
    objects: Type.Optional(
      Type.Array(PushObject, { description: 'Scheduled push format: the objects, instead of `data`' }),
    ),
    clientGeneratedId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    completed: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: true },
)

const Count = Type.Optional(Type.Number({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }))
export const ProgressBody = Type.Object({
  steps: Type.Optional(
    Type.Object({
      total: Count,
      current: Count,
      description: Type.Optional(Type.String({ maxLength: 1024 })),
    }),
  ),
  objects: Type.Optional(Type.Object({ total: Count, processed: Count })),
})

export const FailedBody = Type.Object({ failureReason: Type.String() })

/** The mass-delete guard's hold of an execution (docs/mass-delete-guard.md). */
export const HoldResource = Type.Object(
  {
    heldAt: Type.String(),
    guard: Type.Object({
      maxPercent: Type.Optional(Type.Number()),
      maxObjects: Type.Optional(Type.Integer()),
      minObjects: Type.Optional(Type.Integer()),
    }),
    types: Type.Array(
      Type.Object({
        objectTypeId: Type.Integer(),
        objectTypeName: Type.String(),
        owned: Type.Integer({ description: 'Objects of the type the source owned before the execution' }),
        toRemove: Type.Integer(),
        toMark: Type.Integer({ description: 'Objects that would be marked missing (missingObjects UPDATE)' }),
        limit: Type.Union([Type.Integer(), Type.Null()], { description: 'null: the type is not guarded' }),
        approved: Type.Union([Type.Integer(), Type.Null()]),
        over: Type.Boolean(),
      }),
    ),
    decisions: Type.Array(
      Type.Object({
        action: Type.Union([Type.Literal('approved'), Type.Literal('rejected')]),
        by: Type.String(),
        at: Type.String(),
        reason: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        limits: Type.Optional(Type.Record(Type.String(), Type.Integer())),
      }),
    ),
  },
  { description: 'Set once the mass-delete guard held the execution; kept after the decision' },
)

export const ExecutionStatusResponse = Type.Object({
  executionId: Type.String(),
  status: Type.Union(
    EXECUTION_STATUSES.map((s) => Type.Literal(s)),
    {
      description: 'A HELD execution answers PROCESSING here (Assets clients know no HELD); see intakeStatus',
    },
  ),
  intakeStatus: Type.Optional(Type.Union(EXECUTION_STATUSES.map((s) => Type.Literal(s)))),
  hold: Type.Optional(Type.Union([HoldResource, Type.Null()])),
  progressResult: Type.Unknown(),
})

export const ExecutionResource = Type.Object({
  id: Type.String(),
  importSourceId: Type.String(),
  status: Type.String(),
  scheduled: Type.Boolean(),
  dryRun: Type.Boolean(),
  created: Type.String(),
  started: Type.Union([Type.String(), Type.Null()]),
  completed: Type.Union([Type.String(), Type.Null()]),
  finished: Type.Union([Type.String(), Type.Null()]),
  chunks: Type.Integer(),
  bytes: Type.Integer(),
  failureReason: Type.Union([Type.String(), Type.Null()]),
  counters: Type.Record(Type.String(), Type.Integer(), {
    description: 'Sums over the object types of the result',
  }),
  clientProgress: Type.Unknown(),
  kind: Type.Optional(Type.String({ description: "'external', 'file', 'upload', 'revert' or 'apply'" })),
  revertsExecutionId: Type.Optional(
    Type.Union([Type.String(), Type.Null()], { description: 'A revert: the execution it takes back' }),
  ),
  revertedBy: Type.Optional(
    Type.Union([Type.String(), Type.Null()], { description: 'The revert that took this execution back' }),
  ),
  hold: Type.Union([HoldResource, Type.Null()]),
})

export const ChunkResource = Type.Object({
  seq: Type.Integer(),
  clientGeneratedId: Type.Union([Type.String(), Type.Null()]),
  size: Type.Integer(),
  created: Type.String(),
  data: Type.Unknown(),
})

export const ProblemResource = Type.Object({
  seq: Type.Integer(),
  objectTypeId: Type.Union([Type.Integer(), Type.Null()]),
  location: Type.String(),
  code: Type.String(),
  message: Type.String(),
  attribute: Type.Union([Type.String(), Type.Null()]),
  value: Type.Union([Type.String(), Type.Null()]),
})

export const ProgressResource = Type.Object({
  progressInPercent: Type.Integer(),
  resourceId: Type.String(),
  category: Type.String(),
  status: Type.String(),
  stepDescription: Type.String(),
  currentStep: Type.Integer(),
  numberOfSteps: Type.Integer(),
  currentWorkUnits: Type.Integer(),
  currentWorkDescription: Type.String(),
  currentStepTotalWorkUnits: Type.Integer(),
  totalWorkUnits: Type.Integer(),
  actor: Type.Union([Type.String(), Type.Null()]),
  startDate: Type.String(),
  endDate: Type.Union([Type.String(), Type.Null()]),
  executionUUID: Type.String(),
  intakeStatus: Type.Optional(Type.String({ description: 'HELD (answered PAUSED in status)' })),
  hold: Type.Optional(Type.Union([HoldResource, Type.Null()])),
})
