import { defineError } from '../errors.js'

/**
 * Errors of push executions. The 409s of `POST executions` also carry Assets' top-level
 * `{"result":"error","errorCode":…}` beside the standard error body.
 */

const assetsError = (errorCode: string) => () => ({ result: 'error', errorCode })

export const ExecutionMissingMappingError = defineError<{ importSourceId: string }>(
  'EXECUTION_MISSING_MAPPING',
  409,
  ({ importSourceId }) => `Import source ${importSourceId} has no schema and mapping yet; PUT one first`,
  'An execution cannot start before the source has a schema + mapping (Assets errorCode MISSING_MAPPING).',
  assetsError('MISSING_MAPPING'),
)

export const ExecutionSourceDisabledError = defineError<{ importSourceId: string }>(
  'EXECUTION_SOURCE_DISABLED',
  409,
  ({ importSourceId }) => `Import source ${importSourceId} is disabled`,
  'An execution cannot start while the source is disabled (Assets errorCode DISABLED).',
  assetsError('DISABLED'),
)

export const ExecutionInProgressError = defineError<{ importSourceId: string; executionId: string }>(
  'EXECUTION_IN_PROGRESS',
  409,
  ({ importSourceId, executionId }) =>
    `Import source ${importSourceId} already has execution ${executionId} ingesting, processing or held`,
  'One execution at a time per source; cancel or finish the running one first (Assets errorCode IN_PROGRESS).',
  assetsError('IN_PROGRESS'),
)

export const ExecutionNotIngestingError = defineError<{ executionId: string; status: string }>(
  'EXECUTION_NOT_INGESTING',
  409,
  ({ executionId, status }) => `Execution ${executionId} is ${status}; it no longer accepts data or progress`,
  'Data, progress or completion sent to an execution that has left INGESTING.',
)

export const ExecutionNotActiveError = defineError<{ executionId: string; status: string }>(
  'EXECUTION_NOT_ACTIVE',
  409,
  ({ executionId, status }) =>
    `Execution ${executionId} is ${status}; only a running execution can be cancelled`,
  'Cancel of an execution that is already DONE, CANCELLED or FAILED.',
)

export const ChunkIdConflictError = defineError<{ executionId: string; clientGeneratedId: string }>(
  'CHUNK_ID_CONFLICT',
  409,
  ({ clientGeneratedId }) =>
    `A different chunk with clientGeneratedId "${clientGeneratedId}" was already accepted for this execution`,
  'A chunk re-used the clientGeneratedId of an accepted chunk with a different body; the new one was refused.',
)

export const ChunkDataInvalidError = defineError<{ field: string; reason: string }>(
  'CHUNK_DATA_INVALID',
  400,
  ({ field, reason }) => `Invalid data chunk: ${field} ${reason}`,
  'The `data` member of a chunk must be a JSON object whose keys are the selector roots.',
)

export const ExecutionTooLargeError = defineError<{ executionId: string; limitBytes: number }>(
  'EXECUTION_TOO_LARGE',
  413,
  ({ limitBytes }) =>
    `The chunks of this execution would exceed the limit of ${limitBytes} bytes (INTAKE_MAX_EXECUTION_BYTES)`,
  'The total size of the chunks of one execution exceeds INTAKE_MAX_EXECUTION_BYTES; the chunk was refused.',
)

export const FailureHistoryNotAllowedError = defineError<{ executionId: string; status: string }>(
  'FAILURE_HISTORY_NOT_ALLOWED',
  400,
  ({ status }) =>
    `A failure can only be reported before data completion was signalled; the execution is ${status}`,
  'history/failed after completion was signalled (or after the execution ended), as Assets answers it.',
)

export const FailureReasonInvalidError = defineError<{ reason: string }>(
  'FAILURE_REASON_INVALID',
  400,
  ({ reason }) => `Invalid failureReason: ${reason}`,
  'history/failed needs a failureReason of 1 to 1024 characters.',
)
