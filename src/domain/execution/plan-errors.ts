import { defineError } from '../errors.js'

/** Errors of plan → apply (docs/plan-apply.md). */

export interface DriftedObject {
  objectTypeId: number
  objectId: number | null
  objectKey: string | null
  identity: string | null
  /** What changed since the plan: `label`, `values`, `references`, `removed`, or `created` (a planned identity). */
  changed: string[]
}

export const PlanNotAvailableError = defineError<{ executionId: string; reason: string }>(
  'PLAN_NOT_AVAILABLE',
  409,
  ({ executionId, reason }) => `Execution ${executionId} has no plan to apply: ${reason}`,
  'Apply of an execution that is not a finished dry run of an import source (a real run, or a dry run still running or failed).',
)

export const PlanAlreadyAppliedError = defineError<{
  executionId: string
  appliedExecutionId: string | null
}>(
  'PLAN_ALREADY_APPLIED',
  409,
  ({ executionId, appliedExecutionId }) =>
    `The plan of execution ${executionId} is already applied${appliedExecutionId ? ` (by execution ${appliedExecutionId})` : ' or being applied'}; a plan applies at most once`,
  'A plan applies at most once: a second apply (or one while the first runs) is refused.',
)

export const PlanExpiredError = defineError<{ executionId: string; expiresAt: string }>(
  'PLAN_EXPIRED',
  410,
  ({ executionId, expiresAt }) =>
    `The plan of execution ${executionId} expired at ${expiresAt}; start a new dry run (INTAKE_PLAN_TTL_HOURS)`,
  'The plan is past its expiry (INTAKE_PLAN_TTL_HOURS): its changes and input are purged; make a new dry run.',
)

export const PlanMappingChangedError = defineError<{ executionId: string; what: string }>(
  'PLAN_MAPPING_CHANGED',
  409,
  ({ executionId, what }) =>
    `The ${what} of the import source changed since the plan of execution ${executionId} was made; start a new dry run`,
  "The import source's mapping or settings changed since the plan was made: the plan no longer says what an import would do.",
)

export const PlanDriftError = defineError<{ executionId: string; total: number; drifted: DriftedObject[] }>(
  'PLAN_DRIFT',
  409,
  ({ executionId, total }) =>
    `${total} object${total === 1 ? '' : 's'} the plan of execution ${executionId} touches changed since it was made; nothing was applied (send {"onDrift":"replan"} to apply what the same input gives now)`,
  'Objects the plan touches changed since it was made (details.drifted: the first 100, details.total); nothing was written.',
)
