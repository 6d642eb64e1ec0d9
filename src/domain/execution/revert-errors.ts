import { defineError } from '../errors.js'

/** One object a revert cannot take back: it changed after the execution (by a later execution or by hand). */
export interface RevertConflict {
  objectId: number
  key: string
  objectTypeId: number
  /** What the execution did to it: 'create', 'update', 'delete', 'missing-update' or 'references'. */
  operation: string
  /** Why it is in conflict, e.g. `changed by execution <id>`. */
  reason: string
}

/** How many conflicts an answer lists at most (the total is given beside them). */
export const REVERT_CONFLICTS_LISTED = 100

export const RevertConflictError = defineError<{
  executionId: string
  total: number
  conflicts: RevertConflict[]
}>(
  'REVERT_CONFLICT',
  409,
  ({ executionId, total }) =>
    `${total} object(s) changed after execution ${executionId}; nothing was reverted (send {"force": true} to revert the others)`,
  'Objects the execution wrote changed afterwards (a later execution or the object API); `details.conflicts` lists ' +
    'the first 100 (id, key, why) and `details.total` counts them. Nothing was queued or written.',
)

export const RevertNotAllowedError = defineError<{ executionId: string; reason: string }>(
  'REVERT_NOT_ALLOWED',
  409,
  ({ executionId, reason }) => `Execution ${executionId} cannot be reverted: ${reason}`,
  'Revert of a dry run, of an execution still running, failed or cancelled (it wrote nothing), or of one that ' +
    'is already reverted (unless that revert was itself reverted).',
)
