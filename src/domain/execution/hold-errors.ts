import { defineError } from '../errors.js'

/** Errors of the mass-delete guard's holds (docs/mass-delete-guard.md). */

export const ExecutionNotHeldError = defineError<{ executionId: string; status: string }>(
  'EXECUTION_NOT_HELD',
  409,
  ({ executionId, status }) =>
    `Execution ${executionId} is ${status}; only a HELD execution can be approved or rejected`,
  'Approve or reject of an execution the mass-delete guard does not hold (never held, or already decided).',
)
